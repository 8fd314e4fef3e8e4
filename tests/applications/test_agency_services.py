import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from applications.models.agencies import Agency, AgencyType, Invitation, PartnershipMember, Region
from applications.services.agencies import (
    create_agency,
    deactivate_agency,
    reactivate_agency,
    update_agency,
)
from applications.services.invitations import send_invitation
from qualitymark.audit.models import AuditEvent
from tests.applications.helpers import make_lead, make_member, make_staff
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_staff_create_an_agency_and_the_creation_is_audited():
    staff = make_staff()

    agency = create_agency(
        actor=staff,
        name="  Bristol Adoption Service ",
        agency_type=AgencyType.LOCAL_AUTHORITY,
        region=Region.SOUTH_WEST,
        ofsted_urn="sc654321",
        email_domain="@Bristol.gov.uk",
    )

    assert agency.name == "Bristol Adoption Service"
    assert agency.slug == "bristol-adoption-service"
    assert agency.ofsted_urn == "SC654321"
    assert agency.email_domain == "bristol.gov.uk"
    event = AuditEvent.objects.get(action="agency.created")
    assert event.actor == staff
    assert event.target_id == str(agency.pk)
    assert event.changes["name"] == [None, "Bristol Adoption Service"]


def test_only_staff_create_agencies():
    with pytest.raises(PermissionDenied):
        create_agency(
            actor=make_lead(),
            name="Another",
            agency_type=AgencyType.VOLUNTARY,
            region=Region.LONDON,
        )


def test_an_invalid_ofsted_urn_is_refused():
    with pytest.raises(ValidationError) as error:
        create_agency(
            actor=make_staff(),
            name="Bad URN",
            agency_type=AgencyType.VOLUNTARY,
            region=Region.LONDON,
            ofsted_urn="12AB",
        )
    assert "ofsted_urn" in error.value.message_dict


def test_slugs_never_collide_with_fixed_urls():
    staff = make_staff()
    agency = create_agency(
        actor=staff, name="New", agency_type=AgencyType.VOLUNTARY, region=Region.LONDON
    )
    assert agency.slug == "new-2"


def test_a_partnership_needs_two_individual_member_agencies():
    staff = make_staff()
    first, second = AgencyFactory(), AgencyFactory()

    partnership = create_agency(
        actor=staff,
        name="South West Partnership",
        agency_type=AgencyType.PARTNERSHIP,
        region=Region.SOUTH_WEST,
        partnership_members=[first, second],
    )

    assert set(partnership.partnership_members.all()) == {first, second}
    assert set(first.partnerships.all()) == {partnership}


def test_a_partnership_with_one_member_is_refused():
    with pytest.raises(ValidationError) as error:
        create_agency(
            actor=make_staff(),
            name="Too small",
            agency_type=AgencyType.PARTNERSHIP,
            region=Region.LONDON,
            partnership_members=[AgencyFactory()],
        )
    assert "at least two" in str(error.value.message_dict["partnership_members"])


def test_a_partnership_cannot_contain_another_partnership():
    inner = AgencyFactory(agency_type=AgencyType.PARTNERSHIP)
    with pytest.raises(ValidationError) as error:
        create_agency(
            actor=make_staff(),
            name="Nested",
            agency_type=AgencyType.PARTNERSHIP,
            region=Region.LONDON,
            partnership_members=[inner, AgencyFactory()],
        )
    assert "not partnerships" in str(error.value.message_dict["partnership_members"])


def test_a_partnership_cannot_be_its_own_member():
    staff = make_staff()
    partnership = AgencyFactory(agency_type=AgencyType.PARTNERSHIP)
    with pytest.raises(ValidationError) as error:
        update_agency(
            actor=staff,
            agency=partnership,
            partnership_members=[partnership, AgencyFactory(), AgencyFactory()],
        )
    assert "own members" in str(error.value.message_dict["partnership_members"])


def test_the_database_refuses_a_partnership_that_contains_itself():
    partnership = AgencyFactory(agency_type=AgencyType.PARTNERSHIP)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipMember.objects.create(partnership=partnership, member=partnership)


def test_only_partnerships_have_members():
    with pytest.raises(ValidationError) as error:
        create_agency(
            actor=make_staff(),
            name="Plain",
            agency_type=AgencyType.LOCAL_AUTHORITY,
            region=Region.LONDON,
            partnership_members=[AgencyFactory(), AgencyFactory()],
        )
    assert "partnership_members" in error.value.message_dict


def test_a_member_of_a_partnership_cannot_become_a_partnership():
    staff = make_staff()
    member, other = AgencyFactory(), AgencyFactory()
    create_agency(
        actor=staff,
        name="Partnership",
        agency_type=AgencyType.PARTNERSHIP,
        region=Region.LONDON,
        partnership_members=[member, other],
    )
    with pytest.raises(ValidationError) as error:
        update_agency(
            actor=staff,
            agency=member,
            agency_type=AgencyType.PARTNERSHIP,
            partnership_members=[other, AgencyFactory()],
        )
    assert "agency_type" in error.value.message_dict


def test_a_lead_updates_contact_details_with_field_level_audit():
    agency = AgencyFactory(website="")
    lead = make_lead(agency)

    update_agency(
        actor=lead,
        agency=agency,
        website="https://example.gov.uk/adoption",
        public_phone="0117 000 0000",
    )

    agency.refresh_from_db()
    assert agency.website == "https://example.gov.uk/adoption"
    event = AuditEvent.objects.get(action="agency.updated")
    assert event.actor == lead
    assert event.changes == {
        "website": ["", "https://example.gov.uk/adoption"],
        "public_phone": ["", "0117 000 0000"],
    }


def test_an_update_that_changes_nothing_is_not_audited():
    agency = AgencyFactory(website="https://example.org")
    update_agency(actor=make_lead(agency), agency=agency, website="https://example.org")
    assert not AuditEvent.objects.filter(action="agency.updated").exists()


def test_a_lead_cannot_rename_their_agency():
    agency = AgencyFactory(name="Original")
    with pytest.raises(PermissionDenied):
        update_agency(actor=make_lead(agency), agency=agency, name="Renamed")
    agency.refresh_from_db()
    assert agency.name == "Original"


def test_a_member_or_a_lead_of_another_agency_cannot_update_it():
    agency = AgencyFactory()
    with pytest.raises(PermissionDenied):
        update_agency(actor=make_member(agency), agency=agency, website="https://x.org")
    with pytest.raises(PermissionDenied):
        update_agency(actor=make_lead(), agency=agency, website="https://x.org")


def test_a_lead_of_a_partnership_changes_its_members():
    first, second, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
    partnership = AgencyFactory(agency_type=AgencyType.PARTNERSHIP)
    partnership.partnership_members.set([first, second])
    lead = make_lead(partnership)

    update_agency(actor=lead, agency=partnership, partnership_members=[second, third])

    assert set(partnership.partnership_members.all()) == {second, third}
    event = AuditEvent.objects.get(action="agency.updated")
    assert event.changes["partnership_members"] == [
        f"{first.name}, {second.name}",
        f"{second.name}, {third.name}",
    ]


def test_staff_rename_an_agency():
    agency = AgencyFactory(name="Old name")
    update_agency(actor=make_staff(), agency=agency, name="New name")
    agency.refresh_from_db()
    assert agency.name == "New name"
    assert AuditEvent.objects.get(action="agency.updated").changes["name"] == [
        "Old name",
        "New name",
    ]


def test_deactivating_an_agency_revokes_its_pending_invitations():
    staff = make_staff()
    agency = AgencyFactory()
    invitation = send_invitation(
        actor=staff, email="lead@example.org", role=Invitation.Role.AGENCY_LEAD, agency=agency
    )

    deactivate_agency(actor=staff, agency=agency)

    agency.refresh_from_db()
    invitation.refresh_from_db()
    assert not agency.is_active
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(action="agency.deactivated").count() == 1

    reactivate_agency(actor=staff, agency=agency)
    agency.refresh_from_db()
    assert agency.is_active


def test_only_staff_deactivate_agencies():
    agency = AgencyFactory()
    with pytest.raises(PermissionDenied):
        deactivate_agency(actor=make_lead(agency), agency=agency)
    assert Agency.objects.get(pk=agency.pk).is_active
