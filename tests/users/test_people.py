import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse

from qualitymark.audit.models import AuditEvent
from qualitymark.users import services
from tests.applications.helpers import make_lead, make_member, make_moderator, make_staff
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- Services -----------------------------------------------------------------------


def test_an_invited_user_is_created_with_a_verified_primary_address():
    user = services.create_invited_user(
        email=" Sam@Example.ORG ", full_name=" Sam Carter ", password="a long unusual phrase"
    )
    assert user.email == "sam@example.org"
    assert user.full_name == "Sam Carter"
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary and address.email == "sam@example.org"
    assert AuditEvent.objects.get(action="user.created_from_invitation").actor == user


def test_an_invited_user_needs_a_name_and_a_good_password():
    with pytest.raises(ValidationError):
        services.create_invited_user(email="a@example.org", full_name=" ", password="x" * 20)
    with pytest.raises(ValidationError):
        services.create_invited_user(email="a@example.org", full_name="A", password="123456789012")


def test_coram_staff_rights_are_granted_and_revoked_with_audit():
    staff = make_staff()
    person = UserFactory()

    services.grant_coram_staff(actor=staff, user=person)
    person.refresh_from_db()
    assert person.is_coram_staff

    services.revoke_coram_staff(actor=staff, user=person)
    person.refresh_from_db()
    assert not person.is_coram_staff
    assert (
        AuditEvent.objects.filter(
            action__in=["user.coram_staff_granted", "user.coram_staff_revoked"]
        ).count()
        == 2
    )


def test_staff_cannot_remove_their_own_staff_rights():
    staff = make_staff()
    with pytest.raises(ValidationError):
        services.revoke_coram_staff(actor=staff, user=staff)


def test_only_staff_remove_staff_rights():
    with pytest.raises(PermissionDenied):
        services.revoke_coram_staff(actor=make_lead(), user=make_staff())


# --- Pages ------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.staff = make_staff(full_name="Coram Person")
    client.force_login(client.staff)
    return client


def test_the_people_list_shows_everyone_with_their_roles(staff_client):
    agency = AgencyFactory()
    make_lead(agency, full_name="Lena Lead")
    make_member(agency, full_name="Max Member")
    make_moderator(user__full_name="Mo Moderator", is_chair=True)
    UserFactory(full_name="Nora Nobody")

    html = staff_client.get("/staff/people/").content.decode()

    for name in ("Lena Lead", "Max Member", "Mo Moderator", "Nora Nobody", "Coram Person"):
        assert name in html
    for role in ("Agency lead", "Agency member", "Moderator", "Panel chair", "Coram staff"):
        assert role in html


def test_the_people_list_filters_by_role_and_search(staff_client):
    make_lead(full_name="Lena Lead")
    make_moderator(user__full_name="Mo Moderator")

    html = staff_client.get("/staff/people/", {"role": "moderator"}).content.decode()
    assert "Mo Moderator" in html and "Lena Lead" not in html

    html = staff_client.get("/staff/people/", {"query": "lena"}).content.decode()
    assert "Lena Lead" in html and "Mo Moderator" not in html


def test_a_person_page_shows_agencies_and_invitations(staff_client):
    agency = AgencyFactory(name="Bristol Adoption")
    person = make_member(agency, full_name="Max Member")

    html = staff_client.get(f"/staff/people/{person.pk}/").content.decode()

    assert "Max Member" in html and "Bristol Adoption" in html
    assert f"/staff/agencies/{agency.slug}/" in html


def test_staff_remove_another_persons_staff_rights(staff_client):
    colleague = make_staff(full_name="Colleague")
    assert (
        "Remove Coram staff rights"
        in staff_client.get(f"/staff/people/{colleague.pk}/").content.decode()
    )

    response = staff_client.post(f"/staff/people/{colleague.pk}/remove-staff-rights/")

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_coram_staff


def test_removing_your_own_staff_rights_shows_an_error(staff_client):
    response = staff_client.post(f"/staff/people/{staff_client.staff.pk}/remove-staff-rights/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "You cannot remove your own Coram staff rights" in html


def test_people_pages_are_404_outside_staff(client):
    person = UserFactory()
    client.force_login(make_lead())
    assert client.get("/staff/people/").status_code == 404
    assert client.get(f"/staff/people/{person.pk}/").status_code == 404


def test_the_staff_home_renders_with_or_without_the_framework_pages(staff_client):
    response = staff_client.get("/staff/")
    html = response.content.decode()
    assert response.status_code == 200
    try:
        framework_url = reverse("staff:framework_list")
    except NoReverseMatch:
        assert "Quality descriptors" not in html
    else:
        assert framework_url in html
