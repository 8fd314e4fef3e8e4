"""Action plans with a mid-point check: the agency lead turns each area to
develop into actions with an owner and a target date, is reminded before the
mid-point, reports progress; staff or a moderator of the award acknowledge it;
the upgrade application shows the plan and its progress."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from moderation.models.action_plans import ActionPlan, PlannedAction
from moderation.models.workflow import Recommendation
from qualitymark.audit.models import AuditEvent
from tests.applications.application_data import Page
from tests.factories import MembershipFactory
from tests.moderation.builders import complete_and_submit, moderator, screen

pytestmark = pytest.mark.django_db


def plan_url(award, name="action_plan", *args):
    return reverse(f"agency:{name}", args=[award.agency.slug, award.pk, *args])


def date_fields(day) -> dict:
    return {"target_on_0": day.day, "target_on_1": day.month, "target_on_2": day.year}


@pytest.fixture
def award(panel):
    return panel.award(outcome=Recommendation.WORKING_TOWARDS, level="working_towards")


@pytest.fixture
def lead(award):
    return MembershipFactory(agency=award.agency, role="lead").user


def add_action(client, award, area, **fields):
    data = {
        "area": area.pk,
        "description": "Train every social worker on pre-birth tracking.",
        "owner": "EP champion",
        "progress": "not_started",
        **date_fields(timezone.localdate() + timedelta(days=120)),
        **fields,
    }
    return client.post(plan_url(award, "action_add"), data)


def test_the_whole_journey_from_decision_to_upgrade(
    client, panel, award, lead, settings, django_capture_on_commit_callbacks
):
    areas = list(award.decision.feedback.exclude(areas_to_develop="").order_by("descriptor"))
    client.force_login(lead)
    page = Page(client.get(plan_url(award)))
    assert page.contains(areas[0].areas_to_develop)
    assert page.contains("Not started")

    response = add_action(client, award, areas[0])
    assert response.status_code == 302
    action = PlannedAction.objects.get(plan__award=award)
    assert (action.owner, action.area) == ("EP champion", areas[0])
    assert AuditEvent.objects.filter(action="action_plan.action_added").exists()

    # A reminder before the mid-point (default 12 months after the award), once.
    midpoint = award.awarded_on.replace(year=award.awarded_on.year + 1)
    mail.outbox.clear()
    settings.SITE_URL = "https://qualitymark.example"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_daily_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not [m for m in mail.outbox if "action plan" in m.subject]
    from moderation.services.action_plan_reminders import send_action_plan_reminders

    with django_capture_on_commit_callbacks(execute=True):
        assert send_action_plan_reminders(midpoint - timedelta(days=20)) == 1
        assert send_action_plan_reminders(midpoint - timedelta(days=19)) == 0
    reminder = next(m for m in mail.outbox if "progress report is due" in m.subject)
    assert reminder.to == [lead.email] or lead.email in reminder.to
    assert "https://qualitymark.example" + plan_url(award) in reminder.body

    # The lead updates progress and reports.
    edit = client.post(
        plan_url(award, "action_edit", action.pk),
        {
            "area": areas[0].pk,
            "description": action.description,
            "owner": "Head of service",
            "progress": "in_progress",
            "progress_note": "Two of five teams trained.",
            **date_fields(action.target_on),
        },
    )
    assert edit.status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = client.post(plan_url(award, "action_plan_progress"), {"summary": "On track."})
    assert report.status_code == 302
    plan = ActionPlan.objects.get(award=award)
    assert plan.state == "reported"
    # Coram staff are told a report is waiting, with a link to acknowledge it.
    arrived = next(m for m in mail.outbox if "Progress report to read" in m.subject)
    assert arrived.to == [settings.CORAM_STAFF_INBOX]
    assert "On track." in arrived.body
    assert "https://qualitymark.example" + reverse("staff:action_plan", args=[award.pk]) in (
        arrived.body
    )
    # While it waits, the plan cannot be changed.
    assert client.get(plan_url(award, "action_add")).status_code == 404

    # Coram staff acknowledge it, and the agency is told.
    client.force_login(panel.staff)
    staff_url = reverse("staff:action_plan", args=[award.pk])
    assert Page(client.get(staff_url)).contains("On track.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(staff_url, {"comment": "Good progress on tracking."})
    assert done.status_code == 302
    plan.refresh_from_db()
    assert (plan.state, plan.acknowledged_by) == ("acknowledged", panel.staff)
    told = next(m for m in mail.outbox if "has been read" in m.subject)
    assert "Good progress on tracking." in told.body
    assert AuditEvent.objects.filter(action="action_plan.progress_acknowledged").exists()

    # The upgrade application's "What has changed" shows the plan and its progress.
    client.force_login(lead)
    start = reverse("agency:application_start", args=[award.agency.slug])
    client.post(
        start, {"kind": "upgrade", "level_sought": "full", "prefill_from": award.application_id}
    )
    upgrade = award.agency.applications.get(status="draft")
    changes = Page(client.get(reverse("agency:section", args=[upgrade.pk, "changes"])))
    for text in (
        areas[0].areas_to_develop,
        "Two of five teams trained.",
        "Head of service",
        "In progress",
        "On track.",
        "Good progress on tracking.",
    ):
        assert changes.contains(text), text

    # So does the moderators' reading page once the upgrade is submitted.
    upgrade = complete_and_submit(upgrade, lead=lead)
    upgrade, assignments = screen(upgrade, staff=panel.staff)
    client.force_login(assignments[0].moderator.user)
    reading = Page(client.get(reverse("moderation:application", args=[upgrade.pk])))
    for text in ("Two of five teams trained.", "On track.", "Good progress on tracking."):
        assert reading.contains(text), text


def test_bad_input_shows_the_error_summary_and_keeps_what_was_typed(client, award, lead):
    area = award.decision.feedback.exclude(areas_to_develop="").first()
    client.force_login(lead)
    response = add_action(
        client, award, area, owner="", target_on_0="", target_on_1="", target_on_2=""
    )
    page = Page(response)
    assert response.status_code == 200
    page.assert_error("owner", "Enter who owns this action")
    page.assert_error("target_on", "Enter the target date")
    assert page.value("description") == "Train every social worker on pre-birth tracking."

    past = timezone.localdate() - timedelta(days=1)
    page = Page(add_action(client, award, area, **date_fields(past)))
    page.assert_error("target_on", "The target date must be today or in the future")
    assert page.value("owner") == "EP champion"
    assert not PlannedAction.objects.exists()

    page = Page(client.post(plan_url(award, "action_plan_progress"), {"summary": ""}))
    assert client.get(plan_url(award, "action_plan_progress")).status_code == 404


def test_who_may_see_and_change_the_plan(client, panel, award, lead):
    area = award.decision.feedback.exclude(areas_to_develop="").first()
    member = MembershipFactory(agency=award.agency, role="member").user
    other_lead = MembershipFactory(role="lead").user
    client.force_login(member)
    assert client.get(plan_url(award)).status_code == 200
    assert add_action(client, award, area).status_code == 404
    client.force_login(lead)
    add_action(client, award, area)
    action = PlannedAction.objects.get()
    client.force_login(other_lead)
    assert client.get(plan_url(award)).status_code == 404
    assert add_action(client, award, area).status_code == 404
    assert client.get(plan_url(award, "action_edit", action.pk)).status_code == 404
    assert client.get(plan_url(award, "action_plan_progress")).status_code == 404
    assert client.get(reverse("staff:action_plan", args=[award.pk])).status_code == 404

    # A moderator who reviewed the application may acknowledge; another may not.
    reviewer = award.application.assignments.first().moderator.user
    client.force_login(reviewer)
    assert client.get(reverse("moderation:action_plan", args=[award.pk])).status_code == 200
    client.force_login(moderator().user)
    assert client.get(reverse("moderation:action_plan", args=[award.pk])).status_code == 404
    assert PlannedAction.objects.count() == 1


def test_a_moderator_who_reviewed_the_application_finds_the_plan_from_it(client, award):
    plan = reverse("moderation:action_plan", args=[award.pk])
    reading = reverse("moderation:application", args=[award.application.pk])
    client.force_login(award.application.assignments.first().moderator.user)
    page = client.get(reading)
    assert page.status_code == 200
    assert f'href="{plan}"' in page.content.decode()
    assert client.get(plan).status_code == 200


def test_no_plan_link_for_a_full_award(client, panel):
    full = panel.award()
    client.force_login(full.application.assignments.first().moderator.user)
    page = client.get(reverse("moderation:application", args=[full.application.pk]))
    assert page.status_code == 200
    assert "action plan and progress report" not in page.content.decode()
