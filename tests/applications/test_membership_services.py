import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models.agencies import Membership
from applications.services.memberships import (
    change_membership_role,
    grant_membership,
    remove_membership,
)
from qualitymark.audit.models import AuditEvent
from qualitymark.users.roles import roles_of
from tests.applications.helpers import make_lead, make_member, make_staff
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def membership_of(user, agency):
    return Membership.objects.get(user=user, agency=agency)


def test_a_lead_promotes_a_member_to_lead():
    agency = AgencyFactory()
    lead, member = make_lead(agency), make_member(agency)

    change_membership_role(
        actor=lead, membership=membership_of(member, agency), role=Membership.Role.LEAD
    )

    assert membership_of(member, agency).role == Membership.Role.LEAD
    assert agency.pk in roles_of(member).lead_agency_ids
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.changes["role"] == ["member", "lead"]


def test_the_last_lead_cannot_demote_themselves():
    agency = AgencyFactory()
    lead = make_lead(agency)
    make_member(agency)

    with pytest.raises(ValidationError) as error:
        change_membership_role(
            actor=lead, membership=membership_of(lead, agency), role=Membership.Role.MEMBER
        )

    assert error.value.code == "last_lead"
    assert membership_of(lead, agency).role == Membership.Role.LEAD


def test_the_last_lead_cannot_be_removed():
    agency = AgencyFactory()
    lead = make_lead(agency)

    with pytest.raises(ValidationError):
        remove_membership(actor=lead, membership=membership_of(lead, agency))
    assert membership_of(lead, agency).is_active


def test_staff_cannot_remove_the_last_lead_either():
    agency = AgencyFactory()
    lead = make_lead(agency)
    with pytest.raises(ValidationError):
        remove_membership(actor=make_staff(), membership=membership_of(lead, agency))


def test_a_lead_can_step_down_when_another_lead_remains():
    agency = AgencyFactory()
    first, second = make_lead(agency), make_lead(agency)

    change_membership_role(
        actor=first, membership=membership_of(first, agency), role=Membership.Role.MEMBER
    )

    assert membership_of(first, agency).role == Membership.Role.MEMBER
    # second is now the only lead and is protected
    with pytest.raises(ValidationError):
        change_membership_role(
            actor=second, membership=membership_of(second, agency), role=Membership.Role.MEMBER
        )


def test_a_lead_of_a_closed_account_does_not_count():
    agency = AgencyFactory()
    lead = make_lead(agency)
    make_lead(agency, is_active=False)

    with pytest.raises(ValidationError):
        remove_membership(actor=lead, membership=membership_of(lead, agency))


def test_removing_a_colleague_keeps_the_record_and_takes_away_access():
    agency = AgencyFactory()
    lead, member = make_lead(agency), make_member(agency)

    remove_membership(actor=lead, membership=membership_of(member, agency))

    membership = membership_of(member, agency)
    assert not membership.is_active
    assert roles_of(member).agency_ids == frozenset()
    assert AuditEvent.objects.get(action="membership.removed").actor == lead


def test_members_and_other_agencies_leads_cannot_manage_memberships():
    agency = AgencyFactory()
    make_lead(agency)
    member, colleague = make_member(agency), make_member(agency)
    outsider_lead = make_lead()

    for actor in (member, outsider_lead):
        with pytest.raises(PermissionDenied):
            change_membership_role(
                actor=actor,
                membership=membership_of(colleague, agency),
                role=Membership.Role.LEAD,
            )
        with pytest.raises(PermissionDenied):
            remove_membership(actor=actor, membership=membership_of(colleague, agency))


def test_granting_an_agency_role_creates_upgrades_and_never_downgrades():
    agency = AgencyFactory()
    staff = make_staff()
    person = make_member(agency)

    grant_membership(actor=staff, user=person, agency=agency, role="lead")
    assert membership_of(person, agency).role == "lead"

    grant_membership(actor=staff, user=person, agency=agency, role="member")
    assert membership_of(person, agency).role == "lead"


def test_granting_reactivates_a_removed_membership_with_the_new_role():
    agency = AgencyFactory()
    lead = make_lead(agency)
    make_lead(agency)
    remove_membership(actor=lead, membership=membership_of(lead, agency))

    grant_membership(actor=lead, user=lead, agency=agency, role="member")

    membership = membership_of(lead, agency)
    assert membership.is_active and membership.role == "member"
