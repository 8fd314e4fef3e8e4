"""A double click does a form's work once (an outside failure audit found two panel
meetings, two copies of an e-mail and two invitations, or a 500, from one double click):
the second sending of the same form by the same person is answered with the first's
result. A form sent with errors can be sent again; other forms, and the same form after
a while, are done as usual."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.models.agencies import Invitation
from moderation.models.profiles import ModeratorProfile
from moderation.models.workflow import PanelMeeting
from qualitymark.notifications.models import SentEmail
from tests.factories import MembershipFactory
from tests.moderation.builders import chair, staff_user
from tests.moderation.test_reviewer_pages import client_for

pytestmark = pytest.mark.django_db

NEXT_MONTH = timezone.localdate() + timedelta(days=30)


@pytest.fixture(autouse=True)
def panel_chair(db):
    return chair()


def _meeting(title="Double-click panel", when=NEXT_MONTH):
    return {
        "chair": ModeratorProfile.objects.get(is_chair=True).pk,
        "title": title,
        "held_on_0": when.day,
        "held_on_1": when.month,
        "held_on_2": when.year,
    }


def test_the_same_meeting_sent_twice_is_arranged_once():
    client = client_for(staff_user())
    url = reverse("staff:meeting_create")
    first = client.post(url, _meeting())
    second = client.post(url, _meeting(), follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert "You sent this twice. We have done it once." in second.content.decode()
    assert PanelMeeting.objects.filter(title="Double-click panel").count() == 1


def test_another_meeting_and_the_same_one_later_are_arranged():
    client = client_for(staff_user())
    url = reverse("staff:meeting_create")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert client.post(url, _meeting("First")).status_code == 302
        assert client.post(url, _meeting("Second")).status_code == 302
        clock.move_to(start + timedelta(minutes=5))
        assert client.post(url, _meeting("First")).status_code == 302
    assert PanelMeeting.objects.filter(title="First").count() == 2
    assert PanelMeeting.objects.filter(title="Second").count() == 1


def test_a_form_with_errors_can_be_sent_again_at_once():
    client = client_for(staff_user())
    url = reverse("staff:meeting_create")
    wrong = {**_meeting(), "held_on_1": "13"}
    assert client.post(url, wrong).status_code == 200
    page = client.post(url, wrong).content.decode()
    assert "Enter a real date" in page and "You sent this twice" not in page


def test_the_same_form_from_two_people_is_done_for_each():
    url = reverse("staff:meeting_create")
    for person in (staff_user(), staff_user()):
        assert client_for(person).post(url, _meeting()).status_code == 302
    assert PanelMeeting.objects.filter(title="Double-click panel").count() == 2


CLICKS = 6


def _clicks(live_server, client, path, data):
    """The same form sent CLICKS times at the same moment, as a frantic double click."""
    url = live_server.url + path
    browser = requests.Session()
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)
    page = browser.get(live_server.url + "/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    csrf = token.group(1) if token else browser.cookies.get("csrftoken", "")
    start = threading.Barrier(CLICKS)

    def click(_):
        start.wait()
        response = browser.post(
            url, data={"csrfmiddlewaretoken": csrf, **data}, headers={"Referer": url}, timeout=60
        )
        return response.status_code, response.url

    with ThreadPoolExecutor(CLICKS) as pool:
        return list(pool.map(click, range(CLICKS)))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_meeting_clicked_at_once_is_arranged_once(live_server, client):
    client.force_login(staff_user())
    results = _clicks(live_server, client, reverse("staff:meeting_create"), _meeting())
    assert all(status == 200 for status, _ in results), results
    assert len({final for _, final in results}) == 1
    assert PanelMeeting.objects.filter(title="Double-click panel").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_e_mail_sent_again_at_once_is_copied_once(live_server, client):
    email = SentEmail.objects.create(
        template="award_suspended",
        recipients=["lead@example.org"],
        subject="Hi",
        status="sent",
        sent_at=timezone.now(),
    )
    client.force_login(staff_user())
    results = _clicks(live_server, client, reverse("staff:email_resend", args=[email.pk]), {})
    assert all(status == 200 for status, _ in results), results
    assert SentEmail.objects.filter(template="award_suspended").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_invitation_clicked_at_once_is_sent_once_without_an_error(live_server, client):
    membership = MembershipFactory(role="lead")
    client.force_login(membership.user)
    path = reverse("agency:invite", args=[membership.agency.slug])
    data = {"email": "new.colleague@example.org", "role": "agency_member"}
    results = _clicks(live_server, client, path, data)
    assert all(status == 200 for status, _ in results), results
    assert Invitation.objects.filter(email="new.colleague@example.org").count() == 1
    assert SentEmail.objects.filter(recipients__contains=["new.colleague@example.org"]).count() == 1
