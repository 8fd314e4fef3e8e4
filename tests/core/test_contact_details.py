"""Every page that says "contact the Quality Mark team" gives the team's
address (QUALITYMARK_CONTACT_EMAIL) as a mailto link, and the phone when set."""

import pytest
from django.urls import reverse

from moderation.cache import invalidate_register
from tests.awards.factories import make_award

pytestmark = pytest.mark.django_db

ADDRESS = "epqm-team@example.org"
LINK = f'<a class="govuk-link" href="mailto:{ADDRESS}">{ADDRESS}</a>'


@pytest.fixture(autouse=True)
def _contact(settings):
    settings.QUALITYMARK_CONTACT_EMAIL = ADDRESS
    settings.QUALITYMARK_CONTACT_PHONE = ""
    invalidate_register()  # public pages are cached


def _page(client, url_name, *args):
    return client.get(reverse(url_name, args=args)).content.decode()


@pytest.mark.parametrize("url_name", ["core:home", "core:privacy", "core:accessibility"])
def test_the_service_pages_give_the_teams_address(client, url_name):
    page = _page(client, url_name)
    assert "Quality Mark team" in page
    assert LINK in page


def test_the_verification_pages_give_the_teams_address(client):
    award = make_award()
    assert LINK in _page(client, "public:verify", award.verification_token)
    assert LINK in _page(client, "public:verify", "no-such-certificate-token")


def test_the_phone_number_is_shown_when_set(client, settings):
    settings.QUALITYMARK_CONTACT_PHONE = "020 7000 0000"
    page = _page(client, "core:accessibility")
    assert f"{LINK} or 020 7000 0000" in page


def test_the_forbidden_page_gives_the_teams_address(client):
    from django.test import RequestFactory
    from django.views.defaults import permission_denied

    response = permission_denied(RequestFactory().get("/"), exception=None)
    assert LINK in response.content.decode()


def test_e_mails_can_give_the_teams_address():
    from qualitymark.notifications.services import render_email

    award = make_award()
    _, body = render_email("award_withdrawn", {"award": award, "reason": "Closed."})
    assert f"contact the Quality Mark team at {ADDRESS}" in body
