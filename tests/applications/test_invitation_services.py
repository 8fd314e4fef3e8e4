import hashlib
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models.agencies import Invitation, Membership
from applications.rules import may_invite
from applications.selectors.agencies import invitation_for_token
from applications.services.invitations import (
    InvitationForAnotherAccount,
    InvitationNeedsSignIn,
    InvitationUnusable,
    accept_invitation,
    accept_invitation_as_new_user,
    invitation_problem,
    resend_invitation,
    revoke_invitation,
    send_invitation,
)
from applications.services.memberships import remove_membership
from moderation.models.profiles import ModeratorProfile
from qualitymark.audit.models import AuditEvent
from qualitymark.users.models import User
from qualitymark.users.roles import roles_of
from tests.applications.helpers import (
    make_lead,
    make_member,
    make_moderator,
    make_staff,
    token_from_outbox,
)
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLE = Invitation.Role


def invite(actor, email="new.person@example.org", role=ROLE.AGENCY_MEMBER, agency=None):
    return send_invitation(actor=actor, email=email, role=role, agency=agency)


def send_and_get_token(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(**kwargs)
    return invitation, token_from_outbox()


# --- Who may invite whom ----------------------------------------------------------------


@pytest.mark.parametrize("role", [ROLE.MODERATOR, ROLE.PANEL_CHAIR, ROLE.CORAM_STAFF])
def test_staff_invite_panel_and_staff_roles_without_an_agency(role):
    invitation = invite(make_staff(), role=role)
    assert invitation.role == role and invitation.agency is None


@pytest.mark.parametrize("role", [ROLE.AGENCY_MEMBER, ROLE.AGENCY_LEAD])
def test_staff_invite_agency_roles_to_any_agency(role):
    agency = AgencyFactory()
    assert invite(make_staff(), role=role, agency=agency).agency == agency


@pytest.mark.parametrize("role", [ROLE.AGENCY_MEMBER, ROLE.AGENCY_LEAD])
def test_a_lead_invites_members_and_leads_to_their_own_agency(role):
    agency = AgencyFactory()
    assert invite(make_lead(agency), role=role, agency=agency).agency == agency


def test_a_lead_cannot_invite_to_another_agency():
    with pytest.raises(PermissionDenied):
        invite(make_lead(), agency=AgencyFactory())


@pytest.mark.parametrize("role", [ROLE.MODERATOR, ROLE.PANEL_CHAIR, ROLE.CORAM_STAFF])
def test_a_lead_cannot_invite_panel_or_staff_roles(role):
    with pytest.raises(PermissionDenied):
        invite(make_lead(), role=role)


def test_a_member_cannot_invite():
    agency = AgencyFactory()
    with pytest.raises(PermissionDenied):
        invite(make_member(agency), agency=agency)


def test_a_moderator_cannot_invite():
    with pytest.raises(PermissionDenied):
        invite(make_moderator().user, role=ROLE.MODERATOR)


def test_who_may_invite_to_which_role_follows_the_rules():
    agency = AgencyFactory()
    lead = make_lead(agency)
    roles = [
        ROLE.AGENCY_MEMBER,
        ROLE.AGENCY_LEAD,
        ROLE.MODERATOR,
        ROLE.PANEL_CHAIR,
        ROLE.CORAM_STAFF,
    ]
    assert [r for r in roles if may_invite(lead, role=r, agency=agency)] == roles[:2]
    assert [r for r in roles if may_invite(lead, role=r)] == []
    assert [r for r in roles if may_invite(make_staff(), role=r)] == roles[2:]
    assert not may_invite(make_member(agency), role=ROLE.AGENCY_MEMBER, agency=agency)


def test_an_agency_role_needs_an_agency():
    with pytest.raises(ValidationError) as error:
        invite(make_staff(), role=ROLE.AGENCY_LEAD, agency=None)
    assert "agency" in error.value.message_dict


def test_other_roles_never_carry_an_agency():
    invitation = invite(make_staff(), role=ROLE.MODERATOR, agency=AgencyFactory())
    assert invitation.agency is None


def test_the_database_refuses_an_agency_role_without_an_agency():
    staff = make_staff()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email="x@example.org",
            role=ROLE.AGENCY_MEMBER,
            agency=None,
            invited_by=staff,
            token_hash="a" * 64,
            expires_at=timezone.now() + timedelta(days=1),
        )


def test_the_database_refuses_an_agency_on_a_moderator_invitation():
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email="x@example.org",
            role=ROLE.MODERATOR,
            agency=AgencyFactory(),
            token_hash="b" * 64,
            expires_at=timezone.now() + timedelta(days=1),
        )


def test_inviting_someone_who_already_has_the_role_is_refused():
    agency = AgencyFactory()
    member = make_member(agency)
    with pytest.raises(ValidationError) as error:
        invite(make_lead(agency), email=member.email.upper(), agency=agency)
    assert "already has this role" in str(error.value)


def test_inviting_to_a_deactivated_agency_is_refused():
    agency = AgencyFactory(is_active=False)
    with pytest.raises(ValidationError):
        invite(make_staff(), agency=agency)


# --- Sending ----------------------------------------------------------------------------


def test_the_token_is_stored_only_as_a_hash_and_e_mailed_after_commit(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://portal.example"
    agency = AgencyFactory(name="Kent & Medway Adoption")
    lead = make_lead(agency, full_name="Priya Shah")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invite(lead, email="New.Person@Example.org", agency=agency)
    assert mail.outbox == []
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Kent & Medway Adoption" in message.subject
    assert "Priya Shah" in message.body
    assert "Kent & Medway Adoption" in message.body
    assert "https://portal.example/invitations/accept/" in message.body
    token = token_from_outbox()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert invitation.email == "new.person@example.org"
    event = AuditEvent.objects.get(action="invitation.sent")
    assert token not in str(event.changes)


def test_invitations_expire_after_the_configured_number_of_days(settings):
    settings.INVITATION_VALID_DAYS = 3
    invitation = invite(make_staff(), role=ROLE.MODERATOR)
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)


def test_inviting_again_revokes_the_earlier_invitation(django_capture_on_commit_callbacks):
    agency = AgencyFactory()
    lead = make_lead(agency)
    first, first_token = send_and_get_token(
        django_capture_on_commit_callbacks, actor=lead, agency=agency
    )
    second, second_token = send_and_get_token(
        django_capture_on_commit_callbacks, actor=lead, agency=agency
    )

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_pending
    assert invitation_problem(invitation_for_token(first_token)) == "revoked"
    assert invitation_problem(invitation_for_token(second_token)) is None


def test_a_different_role_or_agency_is_a_separate_invitation():
    staff = make_staff()
    first_agency, second_agency = AgencyFactory(), AgencyFactory()
    one = invite(staff, agency=first_agency)
    two = invite(staff, agency=second_agency)
    three = invite(staff, role=ROLE.MODERATOR)
    for invitation in (one, two, three):
        invitation.refresh_from_db()
        assert invitation.is_pending


def test_resending_gives_a_new_link_and_kills_the_old_one(django_capture_on_commit_callbacks):
    staff = make_staff()
    invitation, old_token = send_and_get_token(
        django_capture_on_commit_callbacks, actor=staff, role=ROLE.MODERATOR
    )

    with django_capture_on_commit_callbacks(execute=True):
        resend_invitation(actor=staff, invitation=invitation)

    new_token = token_from_outbox()
    assert new_token != old_token
    assert invitation_for_token(old_token) is None
    assert invitation_for_token(new_token).pk == invitation.pk
    assert AuditEvent.objects.filter(action="invitation.resent").count() == 1


def test_resending_an_expired_invitation_renews_it(django_capture_on_commit_callbacks):
    staff = make_staff()
    invitation = invite(staff, role=ROLE.MODERATOR)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert invitation.status == Invitation.Status.EXPIRED
        with django_capture_on_commit_callbacks(execute=True):
            resend_invitation(actor=staff, invitation=invitation)
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.PENDING


def test_a_revoked_invitation_cannot_be_resent():
    staff = make_staff()
    invitation = invite(staff, role=ROLE.MODERATOR)
    revoke_invitation(actor=staff, invitation=invitation)
    with pytest.raises(ValidationError):
        resend_invitation(actor=staff, invitation=invitation)


def test_a_lead_manages_only_their_own_agencys_invitations():
    agency = AgencyFactory()
    lead = make_lead(agency)
    invitation = invite(lead, agency=agency)
    with pytest.raises(PermissionDenied):
        revoke_invitation(actor=make_lead(), invitation=invitation)
    with pytest.raises(PermissionDenied):
        revoke_invitation(actor=make_member(agency), invitation=invitation)
    revoke_invitation(actor=lead, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED


# --- Accepting --------------------------------------------------------------------------


def test_a_new_person_accepts_and_gets_a_verified_account_and_the_role(
    django_capture_on_commit_callbacks,
):
    agency = AgencyFactory()
    lead = make_lead(agency)
    _, token = send_and_get_token(
        django_capture_on_commit_callbacks, actor=lead, role=ROLE.AGENCY_LEAD, agency=agency
    )

    invitation, user = accept_invitation_as_new_user(
        invitation=invitation_for_token(token),
        full_name="Sam Carter",
        password="a long and unusual passphrase",
    )

    assert user.email == "new.person@example.org"
    assert user.check_password("a long and unusual passphrase")
    assert EmailAddress.objects.get(user=user).verified
    assert Membership.objects.get(user=user, agency=agency).role == Membership.Role.LEAD
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.created_from_invitation", "membership.granted", "invitation.accepted"} <= actions


def test_password_rules_apply_to_new_accounts():
    invitation = invite(make_staff(), role=ROLE.MODERATOR)
    with pytest.raises(ValidationError):
        accept_invitation_as_new_user(
            invitation=invitation, full_name="Sam Carter", password="password"
        )
    assert not User.objects.filter(email="new.person@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_invitation_can_be_accepted_only_once():
    agency = AgencyFactory()
    invitation = invite(make_staff(), agency=agency)
    existing = UserFactory(email="new.person@example.org")

    accept_invitation(invitation=invitation, user=existing)
    with pytest.raises(InvitationUnusable) as error:
        accept_invitation(invitation=invitation, user=existing)

    assert error.value.reason == "accepted"
    assert AuditEvent.objects.filter(action="invitation.accepted").count() == 1
    assert AuditEvent.objects.filter(action="membership.granted").count() == 1


def test_a_double_click_on_the_new_account_form_creates_one_account():
    invitation = invite(make_staff(), role=ROLE.MODERATOR)
    stale_copy = Invitation.objects.get(pk=invitation.pk)

    accept_invitation_as_new_user(
        invitation=invitation, full_name="Sam Carter", password="a long and unusual passphrase"
    )
    with pytest.raises(InvitationUnusable):
        accept_invitation_as_new_user(
            invitation=stale_copy,
            full_name="Sam Carter",
            password="a long and unusual passphrase",
        )
    assert User.objects.filter(email="new.person@example.org").count() == 1


def test_an_expired_invitation_cannot_be_accepted():
    invitation = invite(make_staff(), role=ROLE.MODERATOR)
    person = UserFactory(email="new.person@example.org")
    with (
        time_machine.travel(invitation.expires_at + timedelta(seconds=1)),
        pytest.raises(InvitationUnusable) as error,
    ):
        accept_invitation(invitation=invitation, user=person)
    assert error.value.reason == "expired"
    assert not ModeratorProfile.objects.filter(user=person).exists()


def test_a_revoked_invitation_cannot_be_accepted():
    staff = make_staff()
    invitation = invite(staff, role=ROLE.MODERATOR)
    revoke_invitation(actor=staff, invitation=invitation)
    with pytest.raises(InvitationUnusable) as error:
        accept_invitation(invitation=invitation, user=UserFactory(email="new.person@example.org"))
    assert error.value.reason == "revoked"


def test_a_different_account_cannot_accept():
    invitation = invite(make_staff(), role=ROLE.CORAM_STAFF)
    someone_else = UserFactory(email="someone.else@example.org")
    with pytest.raises(InvitationForAnotherAccount):
        accept_invitation(invitation=invitation, user=someone_else)
    someone_else.refresh_from_db()
    assert not someone_else.is_coram_staff
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_new_account_cannot_be_made_when_the_address_already_has_one():
    invitation = invite(make_staff(), role=ROLE.MODERATOR)
    UserFactory(email="New.Person@example.org".lower())
    with pytest.raises(InvitationNeedsSignIn):
        accept_invitation_as_new_user(
            invitation=invitation, full_name="X Y", password="a long and unusual passphrase"
        )


def test_unknown_tokens_find_nothing():
    assert invitation_for_token("not-a-real-token") is None
    assert invitation_problem(None) == "unknown"


# --- Granting each role -----------------------------------------------------------------


def accept_as_existing(role, agency=None, email="new.person@example.org"):
    invitation = invite(make_staff(), email=email, role=role, agency=agency)
    person = User.objects.filter(email=email).first() or UserFactory(email=email)
    accept_invitation(invitation=invitation, user=person)
    person.refresh_from_db()
    return person


def test_accepting_a_lead_invitation_upgrades_an_existing_member():
    agency = AgencyFactory()
    member = make_member(agency)
    accept_as_existing(ROLE.AGENCY_LEAD, agency=agency, email=member.email)
    assert Membership.objects.get(user=member, agency=agency).role == Membership.Role.LEAD


def test_accepting_a_moderator_invitation_creates_a_profile():
    person = accept_as_existing(ROLE.MODERATOR)
    profile = ModeratorProfile.objects.get(user=person)
    assert profile.is_active and not profile.is_chair
    assert roles_of(person).moderator


def test_accepting_a_moderator_invitation_reactivates_a_profile():
    profile = make_moderator(is_active=False)
    accept_as_existing(ROLE.MODERATOR, email=profile.user.email)
    profile.refresh_from_db()
    assert profile.is_active


def test_accepting_a_panel_chair_invitation_gives_chair_rights():
    person = accept_as_existing(ROLE.PANEL_CHAIR)
    profile = ModeratorProfile.objects.get(user=person)
    assert profile.is_active and profile.is_chair
    assert AuditEvent.objects.get(action="moderator.granted").changes["is_chair"] == [None, True]


def test_accepting_a_coram_staff_invitation_makes_staff():
    person = accept_as_existing(ROLE.CORAM_STAFF)
    assert person.is_coram_staff
    assert AuditEvent.objects.filter(action="user.coram_staff_granted", actor=person).exists()


def test_accepting_marks_the_existing_address_verified():
    person = UserFactory(email="new.person@example.org", verified=False)
    accept_as_existing(ROLE.MODERATOR, email=person.email)
    assert EmailAddress.objects.get(user=person, email=person.email).verified


@pytest.mark.postgres
def test_row_locks_work_on_postgresql(django_capture_on_commit_callbacks):
    """PostgreSQL refuses FOR UPDATE across nullable joins; the locking queries
    must lock only their own rows."""
    staff = make_staff()
    agency = AgencyFactory()
    invitation = invite(staff, role=ROLE.AGENCY_LEAD, agency=agency)
    with django_capture_on_commit_callbacks(execute=True):
        resend_invitation(actor=staff, invitation=invitation)
    person = UserFactory(email="new.person@example.org")
    accept_invitation(invitation=invitation, user=person)
    other = invite(staff, email="other@example.org", role=ROLE.MODERATOR)
    revoke_invitation(actor=staff, invitation=other)
    membership = Membership.objects.get(user=person, agency=agency)
    with pytest.raises(ValidationError):
        remove_membership(actor=staff, membership=membership)
