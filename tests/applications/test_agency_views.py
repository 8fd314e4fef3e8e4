import pytest
from django.core import mail

from applications.models.agencies import AgencyType, Invitation, Membership
from qualitymark.audit.models import AuditEvent
from tests.applications.helpers import make_lead, make_member, make_staff, token_from_outbox
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_dashboard_shows_the_agency_its_people_and_the_applications_panel(client):
    agency = AgencyFactory(name="Bristol Adoption Service", website="https://bristol.example")
    lead = make_lead(agency, full_name="Priya Shah")
    make_member(agency, full_name="Tom Jones")
    Invitation.objects.create(
        email="waiting@example.org",
        role=Invitation.Role.AGENCY_MEMBER,
        agency=agency,
        invited_by=lead,
        token_hash="c" * 64,
        expires_at="2999-01-01T00:00:00Z",
    )

    response = signed_in(client, lead).get("/agency/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bristol Adoption Service" in html
    assert "Priya Shah" in html and "Tom Jones" in html
    assert "Agency lead" in html and "Agency member" in html
    assert "waiting@example.org" in html
    assert f"/agency/{agency.slug}/apply/" in html  # a lead can start an application
    assert f"/agency/{agency.slug}/profile/" in html
    assert f"/agency/{agency.slug}/invite/" in html


def test_a_member_sees_the_dashboard_without_lead_actions(client):
    agency = AgencyFactory()
    make_lead(agency)
    member = make_member(agency)

    html = signed_in(client, member).get("/agency/").content.decode()

    assert f"/agency/{agency.slug}/profile/" not in html
    assert f"/agency/{agency.slug}/invite/" not in html
    assert "ask one of your agency leads" in html


def test_someone_in_several_agencies_chooses_one(client):
    first, second = AgencyFactory(name="First Agency"), AgencyFactory(name="Second Agency")
    person = make_member(first)
    MembershipFactory(user=person, agency=second)

    response = signed_in(client, person).get("/agency/")
    html = response.content.decode()
    assert "Choose an agency" in html
    assert f"/agency/{first.slug}/" in html and f"/agency/{second.slug}/" in html

    detail = client.get(f"/agency/{second.slug}/")
    assert detail.status_code == 200
    assert "Second Agency" in detail.content.decode()
    assert "All your agencies" in detail.content.decode()


def test_a_person_without_an_agency_gets_404(client):
    assert signed_in(client, UserFactory()).get("/agency/").status_code == 404


def test_a_deactivated_agency_is_closed_to_its_members(client):
    agency = AgencyFactory(is_active=False)
    member = make_member(agency)
    signed_in(client, member)
    assert "account is closed" in client.get("/agency/").content.decode()
    assert client.get(f"/agency/{agency.slug}/").status_code == 404


def test_a_lead_of_agency_a_cannot_see_or_edit_agency_b(client):
    agency_a, agency_b = AgencyFactory(), AgencyFactory()
    lead_b_membership_target = make_member(agency_b)
    signed_in(client, make_lead(agency_a))
    membership_b = Membership.objects.get(user=lead_b_membership_target)

    for url in (
        f"/agency/{agency_b.slug}/",
        f"/agency/{agency_b.slug}/profile/",
        f"/agency/{agency_b.slug}/invite/",
        f"/agency/{agency_b.slug}/members/{membership_b.pk}/role/",
        f"/agency/{agency_b.slug}/members/{membership_b.pk}/remove/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/agency/{agency_b.slug}/profile/", {"website": "https://evil.example"}
        ).status_code
        == 404
    )
    # a membership of B cannot be reached through A's URLs either
    assert client.get(f"/agency/{agency_a.slug}/members/{membership_b.pk}/role/").status_code == 404


def test_a_member_cannot_invite_or_manage_colleagues(client):
    agency = AgencyFactory()
    lead = make_lead(agency)
    member = make_member(agency)
    signed_in(client, member)
    lead_membership = Membership.objects.get(user=lead)

    assert client.get(f"/agency/{agency.slug}/invite/").status_code == 404
    response = client.post(
        f"/agency/{agency.slug}/invite/", {"email": "x@example.org", "role": "agency_member"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert client.get(f"/agency/{agency.slug}/profile/").status_code == 404
    assert (
        client.get(f"/agency/{agency.slug}/members/{lead_membership.pk}/remove/").status_code == 404
    )


def test_a_lead_edits_the_profile_but_not_the_name(client):
    agency = AgencyFactory(name="Fixed Name")
    signed_in(client, make_lead(agency))

    form_page = client.get(f"/agency/{agency.slug}/profile/").content.decode()
    assert 'name="name"' not in form_page
    assert 'name="website"' in form_page

    response = client.post(
        f"/agency/{agency.slug}/profile/",
        {
            "name": "Sneaky Rename",
            "website": "https://www.example.gov.uk/adoption",
            "email_domain": "Example.GOV.uk",
            "public_email": "adoption@example.gov.uk",
            "public_phone": "0117 000 0000",
            "postcode": "bs1 5th",
        },
    )

    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name == "Fixed Name"
    assert agency.email_domain == "example.gov.uk"
    assert agency.postcode == "BS1 5TH"
    assert AuditEvent.objects.get(action="agency.updated").changes["email_domain"][1] == (
        "example.gov.uk"
    )


def test_profile_errors_show_in_the_summary_and_beside_the_field(client):
    agency = AgencyFactory()
    signed_in(client, make_lead(agency))

    response = client.post(
        f"/agency/{agency.slug}/profile/",
        {"website": "not a website", "email_domain": "not a domain!"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "govuk-error-message" in html
    assert "Enter an e-mail domain in the correct format" in html
    assert "<title>Error:" in html


def test_a_partnership_lead_must_keep_two_members(client):
    first, second = AgencyFactory(), AgencyFactory()
    partnership = AgencyFactory(agency_type=AgencyType.PARTNERSHIP)
    partnership.partnership_members.set([first, second])
    signed_in(client, make_lead(partnership))

    response = client.post(
        f"/agency/{partnership.slug}/profile/", {"partnership_members": [first.pk]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Choose at least two member agencies" in html
    assert set(partnership.partnership_members.all()) == {first, second}


def test_a_lead_invites_a_colleague_who_gets_an_e_mail(client, django_capture_on_commit_callbacks):
    agency = AgencyFactory()
    signed_in(client, make_lead(agency))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/agency/{agency.slug}/invite/",
            {"email": "colleague@example.org", "role": "agency_member"},
        )

    assert response.status_code == 302
    assert response["Location"] == f"/agency/{agency.slug}/"
    assert mail.outbox[0].to == ["colleague@example.org"]
    assert token_from_outbox()
    page = client.get(response["Location"]).content.decode()
    assert "Invitation sent to colleague@example.org" in page
    assert "colleague@example.org" in page


def test_the_invite_form_shows_errors(client):
    agency = AgencyFactory()
    signed_in(client, make_lead(agency))
    response = client.post(f"/agency/{agency.slug}/invite/", {"email": "not-an-address"})
    html = response.content.decode()
    assert "govuk-error-summary" in html and "govuk-error-message" in html
    assert "Enter an e-mail address in the correct format" in html


def test_the_last_lead_cannot_step_down_through_the_page(client):
    agency = AgencyFactory()
    lead = make_lead(agency)
    membership = Membership.objects.get(user=lead)
    signed_in(client, lead)

    response = client.post(
        f"/agency/{agency.slug}/members/{membership.pk}/role/", {"role": "member"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "at least one lead" in html
    membership.refresh_from_db()
    assert membership.role == Membership.Role.LEAD

    removal = client.post(f"/agency/{agency.slug}/members/{membership.pk}/remove/")
    assert removal.status_code == 200
    assert "at least one lead" in removal.content.decode()


def test_a_lead_changes_a_role_and_removes_a_colleague(client):
    agency = AgencyFactory()
    lead = make_lead(agency)
    member = make_member(agency, full_name="Tom Jones")
    membership = Membership.objects.get(user=member)
    signed_in(client, lead)

    response = client.post(f"/agency/{agency.slug}/members/{membership.pk}/role/", {"role": "lead"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.LEAD

    confirm = client.get(f"/agency/{agency.slug}/members/{membership.pk}/remove/")
    assert "Remove Tom Jones" in confirm.content.decode()
    response = client.post(f"/agency/{agency.slug}/members/{membership.pk}/remove/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active


def test_a_lead_revokes_and_resends_an_invitation(client, django_capture_on_commit_callbacks):
    agency = AgencyFactory()
    signed_in(client, make_lead(agency))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/agency/{agency.slug}/invite/", {"email": "c@example.org", "role": "agency_lead"}
        )
    invitation = Invitation.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(f"/agency/{agency.slug}/invitations/{invitation.pk}/resend/")
    assert resent.status_code == 302
    assert len(mail.outbox) == 2

    revoked = client.post(f"/agency/{agency.slug}/invitations/{invitation.pk}/revoke/")
    assert revoked.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    # once revoked it is no longer reachable
    assert (
        client.get(f"/agency/{agency.slug}/invitations/{invitation.pk}/revoke/").status_code == 404
    )


def test_staff_who_are_not_members_get_404_on_agency_pages(client):
    agency = AgencyFactory()
    signed_in(client, make_staff())
    assert client.get("/agency/").status_code == 404
    assert client.get(f"/agency/{agency.slug}/").status_code == 404
