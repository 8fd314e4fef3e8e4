"""Panel meetings are arranged for a date that has not passed, and can be
cancelled while no decision has been recorded at them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm

from ..models.workflow import PanelMeeting


def ensure_meeting_date(held_on: date) -> None:
    if held_on < timezone.localdate():
        raise ValidationError({"held_on": "The date of the meeting must be today or in the future"})


@transaction.atomic
def cancel_meeting(*, actor, meeting: PanelMeeting, reason: str) -> None:
    """Remove a meeting that will not take place; its agenda's applications
    wait for another meeting. The audit log keeps what it was."""
    require_perm(
        actor,
        "users.run_panel_meetings",
        message="Only Coram staff and panel chairs can arrange panel meetings.",
    )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the meeting is cancelled"})
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.decisions.exists():
        raise ValidationError(
            "Decisions have been recorded at this meeting, so it cannot be cancelled."
        )
    record_event(
        actor=actor,
        action="panel.meeting_cancelled",
        target=meeting,
        changes={
            "held_on": meeting.held_on.isoformat(),
            "title": meeting.title,
            "chair": meeting.chair.user.email,
            "agenda": list(meeting.agenda.values_list("reference", flat=True)),
            "reason": reason,
        },
    )
    meeting.delete()
