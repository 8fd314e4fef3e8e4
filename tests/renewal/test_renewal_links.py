"""Expiry reminders and the expired award's page link straight to "Apply to
renew"; the action plan reminders are scheduled; the plan page's queries do not
grow with its actions."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moderation.models.action_plans import ActionPlan, PlannedAction
from moderation.models.awards import AwardStatus
from moderation.services.expiry import send_expiry_reminders
from qualitymark.notifications.models import SentEmail
from tests.applications.application_data import Page
from tests.awards.factories import make_award
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_expiry_reminder_links_to_a_renewal(client):
    award = make_award(awarded_on=date(2026, 3, 10), expires_on=date(2029, 3, 9))
    lead = MembershipFactory(agency=award.agency, role="lead").user
    assert send_expiry_reminders(date(2028, 12, 9)) == 1
    body = SentEmail.objects.get(template="award_expiry_reminder").body
    start = reverse("agency:application_start", args=[award.agency.slug]) + "?kind=renewal"
    assert "https://qualitymark.example" + start in body

    client.force_login(lead)
    assert Page(client.get(start)).value("kind") == "renewal"


def expired_award(days_ago: int):
    today = timezone.localdate()
    return make_award(
        status=AwardStatus.EXPIRED,
        awarded_on=today - timedelta(days=3 * 365 + days_ago),
        expires_on=today - timedelta(days=days_ago),
    )


def award_page(client, award):
    lead = MembershipFactory(agency=award.agency, role="lead").user
    client.force_login(lead)
    return client.get(reverse("agency:award", args=[award.agency.slug, award.pk])).content.decode()


def test_a_recently_expired_award_offers_apply_to_renew(client):
    award = expired_award(days_ago=30)
    page = award_page(client, award)
    start = reverse("agency:application_start", args=[award.agency.slug])
    assert "Apply to renew" in page
    assert f'href="{start}?kind=renewal"' in page


def test_an_award_expired_long_ago_does_not(client):
    page = award_page(client, expired_award(days_ago=500))
    assert "Apply to renew" not in page


def test_the_action_plan_reminders_run_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["action-plan-reminders"]
    assert entry["task"] == "moderation.tasks.send_action_plan_reminders"


def plan_queries(client, award) -> int:
    url = reverse("agency:action_plan", args=[award.agency.slug, award.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_plan_page_queries_do_not_grow_with_actions(client, panel):
    from moderation.models.workflow import Recommendation

    award = panel.award(outcome=Recommendation.WORKING_TOWARDS, level="working_towards")
    lead = MembershipFactory(agency=award.agency, role="lead").user
    client.force_login(lead)
    plan = ActionPlan.objects.create(award=award)
    areas = list(award.decision.feedback.all())

    def add(count):
        for index in range(count):
            PlannedAction.objects.create(
                plan=plan,
                area=areas[index % len(areas)],
                description=f"Action {index}",
                owner="EP champion",
                target_on=timezone.localdate() + timedelta(days=30),
                created_by=lead,
            )

    add(1)
    few = plan_queries(client, award)
    add(12)
    assert plan_queries(client, award) == few
