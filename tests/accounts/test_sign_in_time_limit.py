"""A sign-in lasts "up to 8 hours" (the sign-in page, the cookie page): counted from
the sign-in, however busy the person is. An outside audit found that anything
writing to the session (a success message) pushed the end back."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from qualitymark.audit.models import AuditEvent
from tests.factories import MembershipFactory

from .helpers import is_signed_in, sign_in

pytestmark = pytest.mark.django_db

HOURS = 8


def _busy(client):
    """What a success message or a saved draft does: a write to the session."""
    session = client.session
    session["something"] = "written"
    session.save()


@pytest.fixture
def lead():
    return MembershipFactory(role="lead").user


@pytest.mark.parametrize("remember", ["on", ""])
def test_a_busy_person_is_signed_out_8_hours_after_signing_in(client, lead, settings, remember):
    settings.SESSION_COOKIE_AGE = HOURS * 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, lead.email, remember=remember)
        assert is_signed_in(client)

        clock.move_to(start + timedelta(hours=HOURS, minutes=-10))
        assert client.get(reverse("core:dashboard")).status_code in (200, 302)
        _busy(client)
        session = Session.objects.get(session_key=client.session.session_key)
        # Django alone would now keep the session until nearly 16 hours after sign-in.
        assert session.expire_date > start + timedelta(hours=HOURS + 7)

        clock.move_to(start + timedelta(hours=HOURS, minutes=-1))
        assert client.get(reverse("core:dashboard")).status_code in (200, 302)
        assert is_signed_in(client)

        clock.move_to(start + timedelta(hours=HOURS, minutes=1))
        response = client.get(reverse("core:dashboard"), follow=True)
        assert not is_signed_in(client)
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
        page = response.content.decode()
        assert "You were signed out because you had been signed in for 8 hours." in page
        assert AuditEvent.objects.filter(action="auth.sign_out", actor=lead).exists()

        sign_in(client, lead.email)
        assert is_signed_in(client)
        assert client.get(reverse("core:dashboard")).status_code in (200, 302)
        assert is_signed_in(client)


def test_the_limit_follows_the_session_length_setting(client, lead, settings):
    settings.SESSION_COOKIE_AGE = 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, lead.email)
        clock.move_to(start + timedelta(minutes=50))
        _busy(client)
        clock.move_to(start + timedelta(minutes=61))
        response = client.get(reverse("core:dashboard"), follow=True)
        assert not is_signed_in(client)
        assert "signed in for 1 hour." in response.content.decode()


def test_the_sign_in_page_promises_what_is_kept(client, settings):
    settings.SESSION_COOKIE_AGE = HOURS * 3600
    assert "up to 8 hours" in client.get(reverse("account_login")).content.decode()


def test_the_sign_in_page_and_the_cookie_page_give_the_same_length(client, settings):
    settings.SESSION_COOKIE_AGE = 90 * 60
    assert "up to 90 minutes" in client.get(reverse("account_login")).content.decode()
    cookies = client.get(reverse("core:cookies")).content.decode().replace("\xa0", " ")
    assert "90 minutes" in cookies and "2 hours" not in cookies
