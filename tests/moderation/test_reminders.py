"""Reminders go once per due date, however often the daily job runs."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from moderation.services.assignments import change_due_date
from moderation.services.information import request_information
from moderation.tasks import send_moderation_reminders
from qualitymark.notifications.models import SentEmail

from .builders import screened_application, submit_review

pytestmark = pytest.mark.django_db


def run_job_on(day, times=3):
    with time_machine.travel(
        timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
        + timedelta(hours=7)
    ):
        for _ in range(times):
            send_moderation_reminders()


def sent(template):
    return list(SentEmail.objects.filter(template=template).values_list("recipients", flat=True))


def test_review_reminders_before_and_after_the_due_date_go_once_each():
    application, assignments = screened_application()
    due = assignments[0].due_on
    submit_review(assignments[1])  # a submitted review gets no reminder

    run_job_on(due - timedelta(days=10))
    assert sent("review_due_soon") == []

    run_job_on(due - timedelta(days=3))
    run_job_on(due - timedelta(days=2))
    assert sent("review_due_soon") == [[assignments[0].moderator.user.email]]

    run_job_on(due + timedelta(days=1))
    run_job_on(due + timedelta(days=5))
    assert sent("review_overdue") == [[assignments[0].moderator.user.email]]


def test_a_new_due_date_earns_a_new_reminder():
    application, assignments = screened_application()
    assignment = assignments[0]
    run_job_on(assignment.due_on - timedelta(days=1))
    assert len(sent("review_due_soon")) == 2

    new_due = assignment.due_on + timedelta(days=14)
    staff = application.screening.updated_by
    change_due_date(actor=staff, assignment=assignment, due_on=new_due)
    run_job_on(new_due - timedelta(days=1))
    run_job_on(new_due - timedelta(days=1))
    assert len(sent("review_due_soon")) == 3


def test_information_request_reminders_go_to_the_agency_once():
    application, assignments = screened_application()
    due = timezone.localdate() + timedelta(days=10)
    request_information(
        actor=assignments[0].moderator.user,
        application=application,
        questions=[(None, "How do you track unborn babies?")],
        due_on=due,
    )
    lead_email = application.agency.memberships.get(role="lead").user.email

    run_job_on(due - timedelta(days=2))
    run_job_on(due - timedelta(days=1))
    assert sent("information_request_due_soon") == [[lead_email]]
    run_job_on(due + timedelta(days=2))
    run_job_on(due + timedelta(days=3))
    assert sent("information_request_overdue") == [[lead_email]]
