"""The lifecycle table and transition(): the one way an application's status changes."""

import pytest

from applications import lifecycle
from applications.lifecycle import SYSTEM, TRANSITIONS, TransitionNotAllowed, transition
from moderation.ratings import Rating
from qualitymark.audit.models import AuditEvent
from tests.moderation.builders import (
    chair,
    moderator,
    screened_application,
    staff_user,
    submit_review,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def test_the_system_may_only_make_the_moves_the_table_gives_it():
    assert [name for name, spec in TRANSITIONS.items() if spec.by_system] == ["open_panel"]
    application = submitted_application()
    with pytest.raises(TransitionNotAllowed):
        transition(application, "accept_for_moderation", actor=SYSTEM)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_move_from_the_wrong_state_or_not_in_the_table_is_refused():
    application = submitted_application()
    staff = staff_user()
    with pytest.raises(TransitionNotAllowed):
        transition(application, "decide", actor=staff)
    with pytest.raises(TransitionNotAllowed):
        transition(application, "publish", actor=staff)
    lead = application.agency.memberships.get(role="lead").user
    with pytest.raises(TransitionNotAllowed):  # only staff screen
        transition(application, "accept_for_moderation", actor=lead)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_every_move_of_a_whole_workflow_is_audited_with_its_status_change():
    from django.utils import timezone

    from moderation.models.workflow import Recommendation
    from moderation.services.panel import create_meeting, record_decision, set_meeting_details
    from tests.moderation.builders import ratings_for

    application, assignments = screened_application()
    for assignment in assignments:
        submit_review(assignment)
    application.refresh_from_db()
    panel_chair = chair()
    staff = staff_user()
    meeting = create_meeting(actor=staff, held_on=timezone.localdate(), chair=panel_chair)
    set_meeting_details(
        actor=staff,
        meeting=meeting,
        members_present=[panel_chair, moderator(), moderator()],
        agenda=[application],
    )
    record_decision(
        actor=panel_chair.user,
        application=application,
        meeting=meeting,
        outcome=Recommendation.FULL,
        rationale="Well evidenced.",
        feedback=ratings_for(application, Rating.MEETS),
    )
    events = AuditEvent.objects.filter(
        target_type="applications.application", target_id=str(application.pk)
    )
    moves = {
        event.action.removeprefix("application."): event.changes["status"]
        for event in events
        if event.action.removeprefix("application.") in TRANSITIONS
    }
    assert moves == {
        "submit": ["draft", "submitted"],
        "accept_for_moderation": ["submitted", "in_review"],
        "open_panel": ["in_review", "panel"],
        "decide": ["panel", "decided"],
    }
    assert events.get(action="application.open_panel").actor is None  # the system moved it
    assert lifecycle.Status.DECIDED not in lifecycle.OPEN_STATUSES
