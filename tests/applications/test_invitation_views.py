from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from applications.models.agencies import AGENCY_INVITATION_ROLES, Invitation, Membership
from applications.services import invitations as invitations_services
from moderation.models.profiles import ModeratorProfile
from qualitymark.users.models import User
from tests.applications.helpers import accept_url, make_lead, make_staff, token_from_outbox
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_ACCOUNT = {
    "full_name": "Sam Carter",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def send_invitation(role=Invitation.Role.AGENCY_MEMBER, agency=None, email="sam@example.org"):
        if role in AGENCY_INVITATION_ROLES and agency is None:
            agency = AgencyFactory()
        actor = make_lead(agency) if agency else make_staff()
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitations_services.send_invitation(
                actor=actor, email=email, role=role, agency=agency
            )
        return invitation, token_from_outbox()

    return send_invitation


def test_a_new_person_creates_an_account_and_lands_on_their_agency(client, send):
    agency = AgencyFactory(name="Bristol Adoption")
    _, token = send(agency=agency)

    page = client.get(accept_url(token))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Create your account" in html and "sam@example.org" in html
    assert "Bristol Adoption" in html

    response = client.post(accept_url(token), NEW_ACCOUNT)

    assert response.status_code == 302
    assert response["Location"] == f"/agency/{agency.slug}/"
    user = User.objects.get(email="sam@example.org")
    assert user.full_name == "Sam Carter"
    assert Membership.objects.filter(user=user, agency=agency, is_active=True).exists()
    # signed in straight away
    assert client.get(response["Location"]).status_code == 200


def test_a_new_moderator_is_sent_to_set_up_an_authenticator(client, send):
    _, token = send(role=Invitation.Role.MODERATOR)
    response = client.post(accept_url(token), NEW_ACCOUNT)
    assert response["Location"] == "/moderation/"
    follow = client.get("/moderation/")
    assert follow.status_code == 302 and "/accounts/2fa/" in follow["Location"]


def test_password_errors_show_in_the_summary_and_beside_the_field(client, send):
    _, token = send()
    response = client.post(
        accept_url(token),
        {"full_name": "", "password1": "short", "password2": "different"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "govuk-error-message" in html
    assert "The passwords do not match" in html
    assert not User.objects.filter(email="sam@example.org").exists()

    response = client.post(
        accept_url(token), {"full_name": "Sam", "password1": "password", "password2": "password"}
    )
    page = response.content.decode()
    assert "Your password must be 12 characters or more" in page
    assert "Your password is on a list of common passwords" in page
    assert "This password" not in page


def test_the_same_link_cannot_be_used_twice(client, send):
    _, token = send()
    client.post(accept_url(token), NEW_ACCOUNT)
    client.logout()

    second = client.post(accept_url(token), NEW_ACCOUNT)

    assert second.status_code == 410
    assert "already been used" in second.content.decode()
    assert User.objects.filter(email="sam@example.org").count() == 1


@pytest.mark.parametrize(
    ("state", "status", "text"),
    [
        ("expired", 410, "This invitation has expired"),
        ("revoked", 410, "This invitation has been cancelled"),
    ],
)
def test_expired_and_revoked_links_explain_what_to_do(client, send, state, status, text):
    invitation, token = send(role=Invitation.Role.MODERATOR)
    if state == "revoked":
        invitation.revoked_at = timezone.now()
        invitation.save()
        response = client.get(accept_url(token))
    else:
        with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
            response = client.get(accept_url(token))
    assert response.status_code == status
    assert text in response.content.decode()
    assert "send" in response.content.decode()


def test_an_unknown_link_says_so_without_a_server_error(client):
    response = client.get(accept_url("made-up-token"))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_someone_with_an_account_is_asked_to_sign_in_first(client, send):
    UserFactory(email="sam@example.org")
    _, token = send(role=Invitation.Role.MODERATOR)

    response = client.get(accept_url(token))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert f"next=/invitations/accept/{token}/" in response["Location"].replace("%2F", "/")


def test_a_signed_in_invitee_confirms_and_the_role_is_added(client, send):
    person = UserFactory(email="sam@example.org")
    _, token = send(role=Invitation.Role.PANEL_CHAIR)
    client.force_login(person)

    page = client.get(accept_url(token))
    assert "Accept your invitation" in page.content.decode()
    assert not ModeratorProfile.objects.filter(user=person).exists()

    response = client.post(accept_url(token))

    assert response.status_code == 302 and response["Location"] == "/moderation/"
    assert ModeratorProfile.objects.get(user=person).is_chair


def test_a_signed_in_invitee_with_different_case_e_mail_is_recognised(client, send):
    person = UserFactory(email="sam@example.org")
    _, token = send(role=Invitation.Role.CORAM_STAFF, email="SAM@Example.org")
    client.force_login(person)
    client.post(accept_url(token))
    person.refresh_from_db()
    assert person.is_coram_staff


def test_someone_signed_in_as_a_different_account_is_refused(client, send):
    invitation, token = send(role=Invitation.Role.CORAM_STAFF)
    other = UserFactory(email="other@example.org")
    client.force_login(other)

    for response in (client.get(accept_url(token)), client.post(accept_url(token))):
        assert response.status_code == 403
        html = response.content.decode()
        assert "This invitation is for a different account" in html
        assert "sign out" in html.lower()
    other.refresh_from_db()
    assert not other.is_coram_staff
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
