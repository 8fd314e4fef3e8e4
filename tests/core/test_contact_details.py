"""Every page that says "contact the Quality Mark team" gives the team's
address (QUALITYMARK_CONTACT_EMAIL) as a mailto link, and the phone when set."""

import re
from pathlib import Path

import pytest
from django.conf import settings as settings_module
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


TEMPLATES = Path(settings_module.BASE_DIR) / "templates"
CONTACT_SENTENCE = re.compile(
    r"(contact|e-mail)[^.<]{0,60}Quality Mark team[^.]*\.", re.IGNORECASE | re.DOTALL
)


def test_every_page_that_sends_people_to_the_team_gives_the_teams_address():
    """Pages only: e-mails give it as {{ contact_email }} (test above)."""
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        for match in CONTACT_SENTENCE.finditer(source):
            around = source[match.start() : match.end() + 200]
            if "quality_mark_contact" not in around:
                missing.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)[:80]}")
    assert not missing, missing


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_the_sign_in_pages_give_the_teams_address_not_the_staff_inbox(client, url_name):
    page = _page(client, url_name)
    assert LINK in page
    assert settings_module.CORAM_STAFF_INBOX not in page
