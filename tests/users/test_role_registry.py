"""Roles held in the apps reach qualitymark.users through registrations made at
start-up, and a missing registration stops the service from starting."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from applications.models.agencies import Invitation
from applications.services.invitations import resend_invitation, send_invitation
from qualitymark.notifications.models import SentEmail
from qualitymark.users import role_grants, roles
from tests.applications.helpers import make_lead, make_moderator, make_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_invited_role_has_a_registered_grant():
    assert role_grants.roles_without_grant(Invitation.Role.values) == []
    assert roles.unread_role_fields() == []


def test_a_role_without_a_grant_fails_the_start_up_check(monkeypatch):
    monkeypatch.delitem(role_grants._grants, Invitation.Role.PANEL_CHAIR)
    with pytest.raises(SystemCheckError, match="applications.E001"):
        call_command("check")


def test_a_role_without_a_reader_fails_the_start_up_check(monkeypatch):
    monkeypatch.delitem(roles._role_readers, "moderator")
    with pytest.raises(SystemCheckError, match="users.E001"):
        call_command("check")


def test_each_person_gets_their_own_roles_from_the_query_compiled_once(
    django_assert_num_queries,
):
    """The roles query is compiled once and asked again with each person's id."""
    chair = make_moderator(is_chair=True).user
    lead = make_lead()
    staff = make_staff()
    nobody = UserFactory()
    roles._compiled_role_query.cache_clear()
    with django_assert_num_queries(4):
        read = {user: roles.roles_of(user) for user in (chair, lead, staff, nobody)}
    assert roles._compiled_role_query.cache_info().misses == 1
    assert read[chair].panel_chair and read[chair].moderator and not read[chair].agency_ids
    assert roles.has_authenticator(chair) and roles.has_authenticator(staff)
    assert read[lead].lead_agency_ids == read[lead].agency_ids and read[lead].agency_ids
    assert not (read[lead].moderator or read[lead].coram_staff or roles.has_authenticator(lead))
    assert read[staff].coram_staff and not (read[staff].moderator or read[staff].agency_ids)
    assert read[nobody] == roles.Roles() and not roles.has_authenticator(nobody)


def test_invitation_e_mail_is_recorded_by_the_notification_service(
    django_capture_on_commit_callbacks,
):
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send_invitation(
            actor=staff, email="chair@example.org", role=Invitation.Role.PANEL_CHAIR
        )
        resend_invitation(actor=staff, invitation=invitation)
    sent = SentEmail.objects.filter(template="invitation").order_by("pk")
    assert [record.recipients for record in sent] == [["chair@example.org"], ["chair@example.org"]]
    assert "as panel chair" in sent[0].subject
