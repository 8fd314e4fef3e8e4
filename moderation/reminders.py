"""Reminders, each sent once per due date however often the job runs (the
notification's dedupe key names the assignment or request and its due date)."""

from datetime import date, timedelta

from django.conf import settings

from applications.lifecycle import statuses_that
from applications.notifications import agency_addresses, application_url
from qualitymark.notifications.services import notify

from .models.workflow import Assignment, InformationRequest


def send_review_reminders(today: date) -> int:
    """Moderators with a review due within the reminder window, or overdue."""
    soon = today + timedelta(days=settings.REMINDER_DAYS_BEFORE_DUE)
    assignments = (
        Assignment.objects.filter(
            removed_at__isnull=True,
            # Paused while the agency answers: no reminder then; the due date moves on.
            application__status__in=statuses_that("review_clock_runs"),
            due_on__lte=soon,
        )
        .exclude(review__submitted_at__isnull=False)
        .exclude(declared_conflict=True)
        .select_related("moderator__user", "application__agency")
    )
    sent = 0
    for assignment in assignments:
        overdue = assignment.due_on < today
        kind = "overdue" if overdue else "due-soon"
        queued = notify(
            template="review_overdue" if overdue else "review_due_soon",
            to=[assignment.moderator.user.email],
            context={"assignment": assignment, "application": assignment.application},
            dedupe_key=f"review-{kind}-{assignment.pk}-{assignment.due_on.isoformat()}",
        )
        sent += queued is not None
    return sent


def send_information_request_reminders(today: date) -> int:
    soon = today + timedelta(days=settings.REMINDER_DAYS_BEFORE_DUE)
    requests = InformationRequest.objects.filter(
        status=InformationRequest.Status.OPEN, due_on__lte=soon
    ).select_related("application__agency")
    sent = 0
    for request in requests:
        overdue = request.due_on < today
        kind = "overdue" if overdue else "due-soon"
        queued = notify(
            template="information_request_overdue" if overdue else "information_request_due_soon",
            to=agency_addresses(request.application),
            context={
                "request": request,
                "application": request.application,
                "url": application_url(request.application),
            },
            dedupe_key=f"information-{kind}-{request.pk}-{request.due_on.isoformat()}",
        )
        sent += queued is not None
    return sent
