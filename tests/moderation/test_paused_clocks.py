"""While the agency answers an information request the moderators' clocks
stop: no reminder, "Paused" instead of "Overdue", and the due date moves on
by the days waited. Run on a controlled clock with the real reminder job."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from moderation.services.assignments import assign_moderator
from moderation.services.information import request_information, respond_to_information_request
from moderation.tasks import send_moderation_reminders
from qualitymark.audit.models import AuditEvent
from qualitymark.notifications.models import SentEmail

from .builders import moderator, screened_application, staff_user, submit_review
from .test_reviewer_pages import client_for, queue_rows

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0)


def at(day_offset: int):
    return timezone.make_aware(datetime.combine(START.date() + timedelta(days=day_offset), time(9)))


def review_reminders():
    return SentEmail.objects.filter(template__in=["review_due_soon", "review_overdue"]).count()


def ask(application, assignments, *, due_in=10):
    return request_information(
        actor=assignments[0].moderator.user,
        application=application,
        questions=[(None, "How do you track unborn babies?")],
        due_on=timezone.localdate() + timedelta(days=due_in),
    )


def answer(application, request):
    lead = application.agency.memberships.get(role="lead").user
    question = request.questions.get()
    respond_to_information_request(
        actor=lead, request=request, answers={question.pk: "Weekly pre-birth tracking meeting."}
    )


def test_a_paused_review_gets_no_reminder_and_its_due_date_moves_by_the_days_waited():
    with time_machine.travel(at(0), tick=False) as clock:
        application, assignments = screened_application()
        original_due = assignments[0].due_on
        assert original_due == at(21).date()

        clock.move_to(at(5))
        request = ask(application, assignments, due_in=30)

        # Past the original due date, still waiting for the agency.
        for day in (19, 20, 22, 30):
            clock.move_to(at(day))
            send_moderation_reminders()
        assert review_reminders() == 0

        clock.move_to(at(30))
        answer(application, request)
        for assignment in assignments:
            assignment.refresh_from_db()
            assert assignment.due_on == original_due + timedelta(days=25)
        moved = AuditEvent.objects.filter(action="assignment.clock_restarted")
        assert sorted(event.changes["days_paused"] for event in moved) == [25, 25]

        send_moderation_reminders()
        assert review_reminders() == 0  # due in 16 days

        clock.move_to(at(44))
        send_moderation_reminders()
        send_moderation_reminders()
        assert SentEmail.objects.filter(template="review_due_soon").count() == 2

        clock.move_to(at(47))
        send_moderation_reminders()
        assert SentEmail.objects.filter(template="review_overdue").count() == 2


def test_a_submitted_review_keeps_its_date_and_a_late_assignment_counts_from_its_start():
    with time_machine.travel(at(0), tick=False) as clock:
        application, assignments = screened_application()
        submit_review(assignments[1])
        clock.move_to(at(2))
        request = ask(application, assignments)
        clock.move_to(at(6))
        late = assign_moderator(
            actor=staff_user(),
            application=application,
            moderator=moderator(),
            role="second",
            due_on=at(20).date(),
        )
        clock.move_to(at(9))
        answer(application, request)
    for assignment in assignments:
        assignment.refresh_from_db()
    late.refresh_from_db()
    assert assignments[0].due_on == at(21 + 7).date()
    assert assignments[1].due_on == at(21).date()  # already submitted: nothing to move
    assert late.due_on == at(20 + 3).date()


def test_the_queue_shows_paused_not_overdue_while_the_agency_answers():
    with time_machine.travel(at(0), tick=False) as clock:
        application, assignments = screened_application()
        clock.move_to(at(3))
        request = ask(application, assignments, due_in=40)
        clock.move_to(at(25))  # past the original due date
        user = assignments[0].moderator.user
        rows = queue_rows(client_for(user).get(reverse("moderation:queue")))
        assert "Paused" in rows[0]["due"] and "Overdue" not in rows[0]["due"]
        paused = client_for(user).get(reverse("moderation:queue"), {"status": "paused"})
        assert len(queue_rows(paused)) == 1
        overdue = client_for(user).get(reverse("moderation:queue"), {"status": "overdue"})
        assert queue_rows(overdue) == []
        staff_page = client_for(staff_user()).get(
            reverse("staff:application", args=[application.pk])
        )
        assert "Paused" in staff_page.content.decode()
        own_page = client_for(user).get(reverse("moderation:application", args=[application.pk]))
        assert "Paused" in own_page.content.decode()

        answer(application, request)
        rows = queue_rows(client_for(user).get(reverse("moderation:queue")))
        assert "Paused" not in rows[0]["due"] and "Overdue" not in rows[0]["due"]


def test_the_daily_jobs_command_sends_each_reminder_once_however_often_it_runs():
    with time_machine.travel(at(0), tick=False) as clock:
        application, assignments = screened_application()
        clock.move_to(at(20))
        call_command("run_daily_jobs")
        call_command("run_daily_jobs")
        assert SentEmail.objects.filter(template="review_due_soon").count() == 2
