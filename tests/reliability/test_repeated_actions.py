"""Repeated actions are harmless: a second (or concurrent) submit, accept,
publish or decide shows what the first one did, never 403 or 500."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from moderation.models.awards import Award
from moderation.services.assignments import assign_moderator
from moderation.services.screening import record_eligibility, record_fee_paid
from qualitymark.audit.models import AuditEvent
from qualitymark.notifications.models import SentEmail
from tests.awards.builders import Panel
from tests.factories import MembershipFactory
from tests.moderation.builders import moderator, staff_user, submitted_application

from .support import ready_to_submit

CLICKS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_make_one_submission(live_server, client):
    lead = MembershipFactory(role="lead").user
    application = ready_to_submit(lead)
    client.force_login(lead)
    url = live_server.url + reverse("agency:check_answers", args=[application.pk])
    browser = requests.Session()
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)
    page = browser.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    start = threading.Barrier(CLICKS)

    def click(_):
        start.wait()
        response = browser.post(
            url, data={"csrfmiddlewaretoken": token}, headers={"Referer": url}, timeout=60
        )
        return response.status_code, response.url, response.text

    with ThreadPoolExecutor(CLICKS) as pool:
        results = list(pool.map(click, range(CLICKS)))

    application.refresh_from_db()
    confirmation = reverse("agency:submitted", args=[application.pk])
    for status, final_url, text in results:
        assert status == 200, (status, text[:500])
        assert final_url.endswith(confirmation)
        assert application.reference in text and "What happens next" in text
    assert application.status == "submitted"
    assert AuditEvent.objects.filter(action="application.submit").count() == 1
    assert SentEmail.objects.filter(template__startswith="application_submitted").count() == 2


@pytest.mark.django_db
def test_a_second_submit_shows_the_confirmation(client):
    application = submitted_application()
    lead = application.agency.memberships.get(role="lead").user
    client.force_login(lead)
    response = client.post(reverse("agency:check_answers", args=[application.pk]))
    assert response["Location"] == reverse("agency:submitted", args=[application.pk])


@pytest.mark.django_db
def test_a_second_publish_shows_the_award(client):
    panel = Panel()
    award = panel.award()
    client.force_login(panel.staff)
    url = reverse("staff:award_publish", args=[award.pk])
    for _ in range(2):
        response = client.post(url, {"reason": ""})
        assert response.status_code == 302
        assert response["Location"] == reverse("staff:award", args=[award.pk])
    assert Award.objects.get(pk=award.pk).is_published
    assert AuditEvent.objects.filter(action="award.published").count() == 1


@pytest.mark.django_db
def test_a_second_accept_shows_the_application(client):
    staff = staff_user()
    application = submitted_application()
    record_fee_paid(
        actor=staff, application=application, paid_on=timezone.localdate(), invoice_number="I-1"
    )
    record_eligibility(actor=staff, application=application, eligible=True)
    for profile, role in ((moderator(), "lead"), (moderator(), "second")):
        assign_moderator(actor=staff, application=application, moderator=profile, role=role)
    client.force_login(staff)
    url = reverse("staff:accept", args=[application.pk])
    first, second = client.post(url), client.post(url)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert client.get(second["Location"]).status_code == 200
    assert AuditEvent.objects.filter(action="application.accept_for_moderation").count() == 1
