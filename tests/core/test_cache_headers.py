"""Pages for signed-in people are never cached; the public register still is."""

import pytest
from django.urls import reverse

from applications.services.submissions import start_application
from descriptors.services import ensure_working_framework
from tests.factories import MembershipFactory, UserFactory, enrol_totp

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


@pytest.fixture
def lead_client(client):
    ensure_working_framework()
    membership = MembershipFactory(role="lead")
    client.force_login(membership.user)
    client.application = start_application(
        actor=membership.user, agency=membership.agency, level_sought="full", kind="new"
    )
    return client


def test_every_signed_in_page_is_private_and_not_stored(lead_client):
    application = lead_client.application
    for url in (
        "/agency/",
        reverse("agency:section", args=[application.pk, "q1"]),
        reverse("mfa_index"),
        reverse("core:home"),
        reverse("public:register"),  # public, but this copy is for a signed-in person
    ):
        response = lead_client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PRIVATE, url
        assert "Expires" not in response, url


def test_staff_pages_are_private_and_not_stored(client):
    staff = UserFactory(is_coram_staff=True)
    enrol_totp(staff)
    client.force_login(staff)
    response = client.get("/staff/")
    assert response.status_code in (200, 302)
    assert response["Cache-Control"] == PRIVATE


def test_the_public_register_stays_cacheable_for_everyone_else(client):
    response = client.get(reverse("public:register"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public, max-age=")
