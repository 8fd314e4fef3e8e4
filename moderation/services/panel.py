"""Panel meetings and decisions."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from applications import lifecycle
from applications.models.submissions import Application
from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm

from ..conflicts import conflicts_by_moderator
from ..models.profiles import ModeratorProfile
from ..models.workflow import Decision, DescriptorFeedback, PanelMeeting
from .awards import on_decision
from .meetings import ensure_meeting_date


@transaction.atomic
def create_meeting(
    *, actor, held_on: date, chair: ModeratorProfile, title: str = ""
) -> PanelMeeting:
    require_perm(
        actor,
        "users.run_panel_meetings",
        message="Only Coram staff and panel chairs can arrange panel meetings.",
    )
    ensure_meeting_date(held_on)
    if not chair.is_chair or not chair.is_active:
        raise ValidationError({"chair": "Choose an active panel chair"})
    meeting = PanelMeeting.objects.create(
        held_on=held_on, chair=chair, title=title.strip(), created_by=actor
    )
    record_event(
        actor=actor,
        action="panel.meeting_created",
        target=meeting,
        changes={"held_on": held_on.isoformat(), "chair": chair.user.email},
    )
    return meeting


@transaction.atomic
def set_meeting_details(
    *, actor, meeting: PanelMeeting, members_present, agenda, notes: str = ""
) -> PanelMeeting:
    require_perm(
        actor,
        "users.run_panel_meetings",
        message="Only Coram staff and panel chairs can arrange panel meetings.",
    )
    members_present = list(members_present)
    agenda = list(agenda)
    _keep_the_record_of_decisions(meeting, members_present, agenda)
    already = set(meeting.agenda.values_list("pk", flat=True))
    unready = [
        application
        for application in agenda
        if not application.state.panel_may_decide and application.pk not in already
    ]
    if unready:
        raise ValidationError(
            {
                "agenda": "Only applications at panel can go on the agenda: "
                + ", ".join(str(application) for application in unready)
            }
        )
    meeting.members_present.set(members_present)
    meeting.agenda.set(agenda)
    meeting.notes = notes.strip()
    meeting.save(update_fields=["notes"])
    record_event(
        actor=actor,
        action="panel.meeting_updated",
        target=meeting,
        changes={
            "members_present": sorted(member.user.email for member in members_present),
            "agenda": sorted(str(application) for application in agenda),
        },
    )
    return meeting


def _keep_the_record_of_decisions(meeting: PanelMeeting, members_present, agenda) -> None:
    """Once the meeting has decided an application, who sat and what it decided are the
    record of the decision (a review of it goes to a chair who took no part): they stay."""
    decided = Application.objects.filter(
        decisions__meeting=meeting, decisions__from_appeal__isnull=True
    ).distinct()
    if not decided.exists():
        return
    errors = {}
    dropped = [application for application in decided if application not in agenda]
    if dropped:
        errors["agenda"] = (
            "The meeting decided "
            + ", ".join(str(application) for application in dropped)
            + ", so it stays on the agenda"
        )
    if {member.pk for member in members_present} != set(
        meeting.members_present.values_list("pk", flat=True)
    ):
        errors["members_present"] = (
            "The meeting has recorded a decision, so who was present cannot change: "
            "it is the record of who took part"
        )
    if errors:
        raise ValidationError(errors)


def quorum_members(meeting: PanelMeeting, application: Application) -> list[ModeratorProfile]:
    """Members present who are not conflicted on this application."""
    present = list(meeting.members_present.select_related("user"))
    conflicted = conflicts_by_moderator(present, application)
    return [member for member in present if member.pk not in conflicted]


def is_quorate(meeting: PanelMeeting, application: Application) -> bool:
    return len(quorum_members(meeting, application)) >= settings.PANEL_QUORUM


def _check_feedback(application: Application, feedback: dict) -> list:
    descriptors = list(application.framework.descriptors.all())
    return [
        DescriptorFeedback(
            descriptor=descriptor,
            strengths=(feedback.get(descriptor.pk, {}).get("strengths") or "").strip(),
            areas_to_develop=(
                feedback.get(descriptor.pk, {}).get("areas_to_develop") or ""
            ).strip(),
        )
        for descriptor in descriptors
    ]


@transaction.atomic
def record_decision(
    *,
    actor,
    application: Application,
    meeting: PanelMeeting,
    outcome: str,
    rationale: str,
    feedback: dict,
    departure_reason: str = "",
) -> Decision:
    """The chair records the panel's decision. Final once recorded."""
    from ..selectors.panel import consolidation_for

    application = Application.objects.select_for_update().get(pk=application.pk)
    require_perm(
        actor,
        "moderation.chair_panel",
        application,
        message="Only a panel chair without a conflict can record the decision.",
    )
    if not meeting.agenda.filter(pk=application.pk).exists():
        raise ValidationError({"meeting": "Put the application on this meeting's agenda first"})
    if not is_quorate(meeting, application):
        raise ValidationError(
            {
                "meeting": f"The meeting is not quorate for this application: it needs "
                f"{settings.PANEL_QUORUM} members present without a conflict"
            }
        )
    if not rationale.strip():
        raise ValidationError({"rationale": "Explain the panel's decision"})
    suggested = consolidation_for(application).suggested_outcome
    if outcome != suggested and not departure_reason.strip():
        raise ValidationError(
            {"departure_reason": "Explain why the panel departed from the suggested outcome"}
        )
    decision = Decision.objects.create(
        application=application,
        meeting=meeting,
        outcome=outcome,
        suggested_outcome=suggested,
        departure_reason=departure_reason.strip() if outcome != suggested else "",
        rationale=rationale.strip(),
        recorded_by=actor,
    )
    feedback_rows = _check_feedback(application, feedback)
    for row in feedback_rows:
        row.decision = decision
    DescriptorFeedback.objects.bulk_create(feedback_rows)
    lifecycle.transition(
        application,
        "decide",
        actor=actor,
        changes={"decision": decision.pk, "outcome": outcome, "suggested_outcome": suggested},
    )
    _after_decision(decision)
    return decision


@transaction.atomic
def correct_decision(
    *,
    actor,
    decision: Decision,
    outcome: str,
    rationale: str,
    feedback: dict,
    correction_reason: str,
    departure_reason: str = "",
) -> Decision:
    """A correction is a new decision that supersedes the old one; the old
    one stays on record."""
    application = Application.objects.select_for_update().get(pk=decision.application_id)
    require_perm(
        actor,
        "moderation.chair_panel",
        application,
        message="Only a panel chair without a conflict can correct a decision.",
    )
    current = current_decision(application)
    if current is None or current.pk != decision.pk:
        raise ValidationError("Only the current decision can be corrected.")
    if not correction_reason.strip():
        raise ValidationError({"correction_reason": "Explain what is being corrected and why"})
    if outcome != decision.suggested_outcome and not departure_reason.strip():
        raise ValidationError(
            {"departure_reason": "Explain why the panel departed from the suggested outcome"}
        )
    correction = Decision.objects.create(
        application=application,
        meeting=decision.meeting,
        outcome=outcome,
        suggested_outcome=decision.suggested_outcome,
        departure_reason=departure_reason.strip() if outcome != decision.suggested_outcome else "",
        rationale=rationale.strip() or decision.rationale,
        recorded_by=actor,
        supersedes=decision,
        correction_reason=correction_reason.strip(),
    )
    feedback_rows = _check_feedback(application, feedback)
    for row in feedback_rows:
        row.decision = correction
    DescriptorFeedback.objects.bulk_create(feedback_rows)
    record_event(
        actor=actor,
        action="decision.corrected",
        target=application,
        changes={
            "supersedes": decision.pk,
            "outcome": [decision.outcome, outcome],
            "reason": correction_reason.strip(),
        },
    )
    from ..notifications import decision_corrected

    decision_corrected(correction)
    _after_decision(correction)
    return correction


def current_decision(application: Application) -> Decision | None:
    decision = (
        Decision.objects.filter(application=application, superseded_by__isnull=True)
        .order_by("-recorded_at")
        .first()
    )
    if decision is not None:
        decision.application = application
    return decision


def _after_decision(decision: Decision) -> None:
    """The new current decision issues, keeps, re-issues or withdraws the award."""
    on_decision(decision)
