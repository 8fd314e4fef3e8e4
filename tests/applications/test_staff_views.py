import pytest
from django.core import mail

from applications.models.agencies import Agency, AgencyType, Invitation, Membership, Region
from tests.applications.helpers import make_lead, make_member, make_moderator, make_staff
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_URLS = [
    "/staff/",
    "/staff/agencies/",
    "/staff/agencies/new/",
    "/staff/invitations/",
    "/staff/invitations/new/",
    "/staff/people/",
    "/staff/moderators/",
]


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff())
    return client


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_open_for_staff(staff_client, url):
    assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_are_404_for_everyone_else(client, url):
    agency = AgencyFactory()
    for person in (make_lead(agency), make_member(agency), make_moderator().user):
        client.force_login(person)
        assert client.get(url).status_code == 404, (url, person)


def test_staff_pages_about_an_agency_are_404_for_its_lead(client):
    agency = AgencyFactory()
    client.force_login(make_lead(agency))
    assert client.get(f"/staff/agencies/{agency.slug}/").status_code == 404
    assert client.post(f"/staff/agencies/{agency.slug}/deactivate/").status_code == 404
    agency.refresh_from_db()
    assert agency.is_active


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client):
    client.force_login(UserFactory(is_coram_staff=True))
    response = client.get("/staff/agencies/")
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


def test_the_staff_home_links_to_each_area(staff_client):
    html = staff_client.get("/staff/").content.decode()
    for url in ("/staff/agencies/", "/staff/invitations/", "/staff/people/", "/staff/moderators/"):
        assert url in html


def test_agency_list_filters_by_region_type_and_name(staff_client):
    AgencyFactory(name="Bristol Adoption", region=Region.SOUTH_WEST)
    AgencyFactory(name="Leeds Adoption", region=Region.YORKSHIRE)
    AgencyFactory(name="Adopt Yorkshire", region=Region.YORKSHIRE, agency_type=AgencyType.REGIONAL)

    html = staff_client.get("/staff/agencies/", {"region": "yorkshire_humber"}).content.decode()
    assert "Leeds Adoption" in html and "Adopt Yorkshire" in html
    assert "Bristol Adoption" not in html

    html = staff_client.get("/staff/agencies/", {"agency_type": "raa"}).content.decode()
    assert "Adopt Yorkshire" in html and "Leeds Adoption" not in html

    html = staff_client.get("/staff/agencies/", {"query": "brist"}).content.decode()
    assert "Bristol Adoption" in html and "Leeds Adoption" not in html


def test_staff_create_an_agency(staff_client):
    response = staff_client.post(
        "/staff/agencies/new/",
        {
            "name": "Coastal Adoption",
            "agency_type": "vaa",
            "region": "south_east",
            "ofsted_urn": "SC765432",
        },
    )
    agency = Agency.objects.get(name="Coastal Adoption")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/agencies/{agency.slug}/"


def test_agency_form_errors_show_in_the_summary_and_beside_the_field(staff_client):
    taken = AgencyFactory(ofsted_urn="SC111111")
    response = staff_client.post(
        "/staff/agencies/new/",
        {"name": "", "agency_type": "la", "region": "london", "ofsted_urn": taken.ofsted_urn},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "govuk-error-message" in html
    assert "Enter the agency&#x27;s name" in html
    assert f"{taken.name} already has this Ofsted URN" in html


def test_staff_create_a_partnership_and_see_partnership_errors(staff_client):
    member = AgencyFactory()
    response = staff_client.post(
        "/staff/agencies/new/",
        {
            "name": "Partnership",
            "agency_type": "partnership",
            "region": "london",
            "partnership_members": [member.pk],
        },
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Choose at least two member agencies" in html

    second = AgencyFactory()
    response = staff_client.post(
        "/staff/agencies/new/",
        {
            "name": "Partnership",
            "agency_type": "partnership",
            "region": "london",
            "partnership_members": [member.pk, second.pk],
        },
    )
    assert response.status_code == 302
    assert Agency.objects.get(name="Partnership").partnership_members.count() == 2


def test_staff_rename_and_deactivate_an_agency(staff_client):
    agency = AgencyFactory(name="Old Name", region=Region.LONDON)
    response = staff_client.post(
        f"/staff/agencies/{agency.slug}/edit/",
        {"name": "New Name", "agency_type": agency.agency_type, "region": "london"},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name == "New Name"

    assert (
        "Deactivate New Name?"
        in staff_client.get(f"/staff/agencies/{agency.slug}/deactivate/").content.decode()
    )
    staff_client.post(f"/staff/agencies/{agency.slug}/deactivate/")
    agency.refresh_from_db()
    assert not agency.is_active

    staff_client.post(f"/staff/agencies/{agency.slug}/reactivate/")
    agency.refresh_from_db()
    assert agency.is_active


def test_staff_manage_an_agencys_people(staff_client):
    agency = AgencyFactory()
    make_lead(agency)
    member = make_member(agency, full_name="Tom Jones")
    membership = Membership.objects.get(user=member)

    html = staff_client.get(f"/staff/agencies/{agency.slug}/").content.decode()
    assert "Tom Jones" in html

    staff_client.post(
        f"/staff/agencies/{agency.slug}/members/{membership.pk}/role/", {"role": "lead"}
    )
    membership.refresh_from_db()
    assert membership.role == "lead"
    staff_client.post(f"/staff/agencies/{agency.slug}/members/{membership.pk}/remove/")
    membership.refresh_from_db()
    assert not membership.is_active


def test_staff_send_a_moderator_invitation(staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/staff/invitations/new/",
            {"email": "Moderator@Example.org", "role": "moderator"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "moderator@example.org" and invitation.agency is None
    assert mail.outbox[0].to == ["moderator@example.org"]
    assert "/invitations/accept/" in mail.outbox[0].body
    assert "authenticator app" in mail.outbox[0].body


def test_staff_must_choose_an_agency_for_agency_roles(staff_client):
    response = staff_client.post(
        "/staff/invitations/new/", {"email": "lead@example.org", "role": "agency_lead"}
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html and "govuk-error-message" in html
    assert "Choose the agency to invite them to" in html
    assert not Invitation.objects.exists()


def test_the_invitation_list_filters_by_status_and_offers_resend_and_revoke(
    staff_client, django_capture_on_commit_callbacks
):
    agency = AgencyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            "/staff/invitations/new/",
            {"email": "pending@example.org", "role": "agency_lead", "agency": agency.pk},
        )
        staff_client.post(
            "/staff/invitations/new/", {"email": "revoked@example.org", "role": "coram_staff"}
        )
    revoked = Invitation.objects.get(email="revoked@example.org")
    staff_client.post(f"/staff/invitations/{revoked.pk}/revoke/")
    staff_client.get("/staff/")  # shows (and so clears) the confirmation messages

    html = staff_client.get("/staff/invitations/", {"status": "pending"}).content.decode()
    assert "pending@example.org" in html and "revoked@example.org" not in html
    html = staff_client.get("/staff/invitations/", {"status": "revoked"}).content.decode()
    assert "revoked@example.org" in html and "pending@example.org" not in html
    # a revoked invitation has no resend page
    assert staff_client.get(f"/staff/invitations/{revoked.pk}/resend/").status_code == 404

    pending = Invitation.objects.get(email="pending@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/staff/invitations/{pending.pk}/resend/")
    assert mail.outbox[-1].to == ["pending@example.org"]
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("urn", ["AB12", "SC12345", "12345", "SC1234567"])
def test_an_ofsted_urn_in_the_wrong_format_is_refused(staff_client, urn):
    response = staff_client.post(
        "/staff/agencies/new/",
        {
            "name": "Format Test Adoption",
            "agency_type": "la",
            "region": "london",
            "ofsted_urn": urn,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter an Ofsted URN in the correct format" in html
    assert not Agency.objects.filter(name="Format Test Adoption").exists()
