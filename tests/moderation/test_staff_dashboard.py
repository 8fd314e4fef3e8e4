"""Coram staff's dashboard: the figures, the lists behind them, the charts,
and a query count that does not grow with the number of applications."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moderation.models.awards import Award
from moderation.services.awards import add_months
from moderation.services.expiry import expire_awards
from moderation.services.information import request_information
from moderation.services.panel import create_meeting
from qualitymark.users.models import User

from .builders import chair, screened_application, staff_user, submitted_application
from .test_reviewer_pages import client_for, moderator, quick_assignment, select, text, tree_of

pytestmark = pytest.mark.django_db

HOME = reverse("staff:home")


def figures(response, table_id) -> dict[str, str]:
    rows = select(tree_of(response), f"table#{table_id} tbody tr")
    return {text(row.xpath("./th")[0]): [text(cell) for cell in row.xpath("./td")] for row in rows}


def link_of(response, label) -> str:
    return next(
        anchor.get("href")
        for anchor in select(tree_of(response), "a")
        if text(anchor).startswith(label)
    )


def references(response) -> set[str]:
    return {text(row.xpath("./td")[0]) for row in select(tree_of(response), "table tbody tr")}


def morning(day):
    return timezone.make_aware(datetime.combine(day, time(9)))


def test_late_and_unpaid_work_is_counted_and_each_figure_links_to_its_list():
    staff = staff_user()
    with time_machine.travel(morning(timezone.localdate()), tick=False) as clock:
        unpaid = submitted_application()
        late, late_assignments = screened_application(staff=staff)
        paused, paused_assignments = screened_application(staff=staff)
        asked = request_information(
            actor=paused_assignments[0].moderator.user,
            application=paused,
            questions=[(None, "Your tracking figures?")],
            due_on=timezone.localdate() + timedelta(days=7),
        )
        clock.move_to(morning(timezone.localdate() + timedelta(days=30)))
        client = client_for(staff)
        response = client.get(HOME)
        attention = figures(response, "attention")
        assert attention["Waiting for screening"] == ["1"]
        # Two moderators late on one application; the paused one is not late.
        overdue = next(label for label in attention if label.startswith("Overdue reviews"))
        assert "on 1 application" in overdue
        assert attention[overdue] == ["2"]
        assert attention["Agencies' answers overdue"] == ["1"]
        assert attention["Fees not yet paid or waived"] == ["1"]

        assert references(client.get(link_of(response, "Overdue reviews"))) == {late.reference}
        assert references(client.get(link_of(response, "Agencies' answers overdue"))) == {
            paused.reference
        }
        unpaid.refresh_from_db()
        assert references(client.get(link_of(response, "Fees not yet paid"))) == {unpaid.reference}
        pipeline = figures(response, "pipeline")
        assert pipeline["In review"] == ["1", "30", "30"]
        assert pipeline["Information requested"] == ["1", "30", "30"]
        assert pipeline["Submitted"] == ["1", "30", "30"]
        in_review = client.get(link_of(response, "In review"))
        assert references(in_review) == {late.reference}
        assert asked.pk


def test_awards_expiring_and_expired_not_renewed_on_the_demo_data():
    call_command("seed_demo", stdout=StringIO())
    staff = User.objects.get(email="staff@coram.example")
    expiry = Award.objects.order_by("expires_on").first().expires_on
    with time_machine.travel(morning(add_months(expiry, -2)), tick=False):
        client = client_for(staff)
        response = client.get(HOME)
        awards = figures(response, "awards")
        assert awards["Expiring within 1 month"] == ["0"]
        assert awards["Expiring within 3 months"] == ["2"]
        assert awards["Expiring within 6 months"] == ["2"]
        listed = client.get(link_of(response, "Expiring within 3 months")).content.decode()
        assert "Downs and Weald Adoption" in listed and "Tyneside Vale" in listed
    with time_machine.travel(morning(expiry + timedelta(days=2)), tick=False):
        expire_awards(timezone.localdate())
        client = client_for(staff)
        response = client.get(HOME)
        assert figures(response, "awards")["Expired and not renewed"] == ["2"]
        listed = client.get(link_of(response, "Expired and not renewed")).content.decode()
        assert "Downs and Weald Adoption" in listed


def test_the_demo_dashboard_shows_work_at_every_stage_and_the_decisions_chart():
    call_command("seed_demo", stdout=StringIO())
    staff = User.objects.get(email="staff@coram.example")
    response = client_for(staff).get(HOME)
    assert response.status_code == 200
    pipeline = figures(response, "pipeline")
    assert pipeline["Submitted"][0] == "1"
    assert pipeline["In review"][0] == "1"
    assert pipeline["Decided"][0] == "2"
    assert pipeline["Information requested"][0] == "1"
    assert pipeline["At panel"][0] == "1"
    # Decided and withdrawn applications stay so: they are counted, not aged.
    assert pipeline["Decided"][1:] == ["–", "–"]
    assert pipeline["At panel"][1] != "–"
    assert "Demo panel: next meeting" in response.content.decode()
    month = f"{timezone.localdate():%B %Y}"
    decisions = figures(response, "decisions")
    assert decisions[month][:3] == ["1", "1", "0"]  # Full, Working Towards, Not awarded
    assert len(decisions) == 12
    svg = select(tree_of(response), "svg.qm-chart")
    assert len(svg) == 2 and svg[0].get("role") == "img"
    bars = [rect.xpath("./title")[0].text for rect in select(svg[0], "rect")]
    assert f"{timezone.localdate():%b}: Full 1" in bars
    assert "Working Towards 1" in " ".join(bars)
    html = response.content.decode()
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    # The old home page's links are still there.
    for name in (
        "staff:screening",
        "staff:application_list",
        "staff:meetings",
        "staff:calibration",
    ):
        assert reverse(name) in html


def test_next_panel_meetings_with_their_agenda():
    staff = staff_user()
    panel_chair = chair()
    today = timezone.localdate()
    with time_machine.travel(morning(today - timedelta(days=20)), tick=False):
        create_meeting(actor=staff, held_on=today - timedelta(days=10), chair=panel_chair)
    create_meeting(
        actor=staff, held_on=today + timedelta(days=10), chair=panel_chair, title="Spring panel"
    )
    html = client_for(staff).get(HOME).content.decode()
    assert "Spring panel" in html
    assert "Nothing on the agenda yet" in html
    assert html.count("chaired by") == 1  # the past meeting is not "next"


def _stage_mix(count):
    profile = moderator()
    for index in range(count):
        status = ["in_review", "information_requested", "panel", "submitted"][index % 4]
        quick_assignment(profile, status=status, due_in=-3 if index % 2 else 5)


def test_the_dashboard_runs_the_same_queries_for_4_or_16_applications():
    staff = staff_user()
    client = client_for(staff)

    def count():
        client.get(HOME)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    _stage_mix(4)
    few = count()
    _stage_mix(12)
    assert count() == few


def test_days_in_a_status_count_from_when_it_was_entered_not_from_submission():
    """The pipeline's ages come from the time stored when the status changed,
    the same time the audit trail records for the move."""
    from applications.lifecycle import transition
    from qualitymark.audit.models import AuditEvent

    staff = staff_user()
    start = morning(timezone.localdate())
    with time_machine.travel(start, tick=False) as clock:
        submitted_application()  # submitted 21 days before the figures
        newer = submitted_application()
        clock.move_to(start + timedelta(days=10))
        transition(newer, "return_to_agency", actor=staff, reason="Add the tracking figures")
        newer.refresh_from_db()
        event = AuditEvent.objects.filter(
            action="application.return_to_agency", target_id=str(newer.pk)
        ).get()
        assert newer.status_changed_at == event.created_at == start + timedelta(days=10)
        clock.move_to(start + timedelta(days=15))
        transition(newer, "submit", actor=newer.agency.memberships.get(role="lead").user)
        clock.move_to(start + timedelta(days=21))
        pipeline = figures(client_for(staff).get(HOME), "pipeline")
    # Submitted 21 days ago (older) and resubmitted 6 days ago (newer).
    assert pipeline["Submitted"] == ["2", "13.5", "21"]
