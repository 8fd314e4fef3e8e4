"""Review clocks that pause: while the agency answers an information request
the moderators' clocks stop, and when the answer arrives each open review's
due date moves on by the days the application waited."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qualitymark.audit.services import record_event

from ..models.workflow import Assignment, InformationRequest


def days_waited(request: InformationRequest, *, since=None) -> int:
    """Whole days between the question and the answer (or today, while it is
    open), counted from `since` if that is later."""
    start = timezone.localdate(request.asked_at)
    if since is not None:
        start = max(start, timezone.localdate(since))
    end = timezone.localdate(request.responded_at) if request.responded_at else timezone.localdate()
    return max((end - start).days, 0)


@transaction.atomic
def restart_review_clocks(*, actor, request: InformationRequest) -> list[Assignment]:
    """Called when the agency has answered: every active review not yet
    submitted gets its due date moved by the days it was paused."""
    moved = []
    assignments = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(application_id=request.application_id, removed_at__isnull=True)
        .exclude(review__submitted_at__isnull=False)
        .select_related("moderator__user")
    )
    for assignment in assignments:
        days = days_waited(request, since=assignment.assigned_at)
        if days == 0:
            continue
        before = assignment.due_on
        assignment.due_on = before + timedelta(days=days)
        assignment.save(update_fields=["due_on"])
        moved.append(assignment)
        record_event(
            actor=actor,
            action="assignment.clock_restarted",
            target=request.application,
            changes={
                "moderator": assignment.moderator.user.email,
                "request": request.pk,
                "days_paused": days,
                "due_on": [before.isoformat(), assignment.due_on.isoformat()],
            },
        )
    return moved
