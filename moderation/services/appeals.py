"""Reviews of panel decisions (appeals): asked for by the agency's lead within
the window, recorded by Coram staff, decided by a chair who took no part in the
decision. A changed outcome is a correction of the decision, so the award is
issued, replaced or withdrawn by the same path as any correction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from applications.models.submissions import Application
from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm

from ..models.appeals import Appeal
from ..models.workflow import Decision
from ..notifications_appeals import appeal_acknowledged, appeal_decided, appeal_requested
from .panel import correct_decision, current_decision


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().select_related("application").get(pk=appeal.pk)


@transaction.atomic
def request_appeal(
    *, actor, application: Application, grounds: list[str], explanation: str
) -> Appeal:
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_perm(
        actor,
        "moderation.request_appeal",
        application,
        message="Only the agency's lead can ask for a review, once, within the time allowed.",
    )
    errors = {}
    if not grounds or set(grounds) - set(Appeal.Grounds.values):
        errors["grounds"] = "Choose the grounds for the review"
    if not explanation.strip():
        errors["explanation"] = "Explain why the decision should be reviewed"
    if errors:
        raise ValidationError(errors)
    appeal = Appeal.objects.create(
        application=application,
        decision=current_decision(application),
        grounds=[ground for ground in Appeal.Grounds.values if ground in grounds],
        explanation=explanation.strip(),
        requested_by=actor,
    )
    record_event(
        actor=actor,
        action="appeal.requested",
        target=application,
        changes={"grounds": appeal.grounds},
    )
    appeal_requested(appeal)
    return appeal


def _move(appeal: Appeal, action: str) -> None:
    starts, ends = Appeal.TRANSITIONS[action]
    if appeal.status not in starts:
        raise ValidationError(f"This review is {appeal.get_status_display().lower()}.")
    appeal.status = ends


@transaction.atomic
def acknowledge_appeal(*, actor, appeal: Appeal, note: str = "") -> Appeal:
    appeal = _locked(appeal)
    require_perm(
        actor,
        "moderation.acknowledge_appeal",
        appeal,
        message="Only Coram staff can record a request for a review.",
    )
    _move(appeal, "acknowledge")
    appeal.acknowledged_by = actor
    appeal.acknowledged_at = timezone.now()
    appeal.acknowledgement = note.strip()
    appeal.save()
    record_event(
        actor=actor,
        action="appeal.acknowledged",
        target=appeal.application,
        changes={"appeal": appeal.pk, "status": appeal.status},
    )
    appeal_acknowledged(appeal)
    return appeal


def _feedback_of(decision: Decision) -> dict:
    return {
        row.descriptor_id: {"strengths": row.strengths, "areas_to_develop": row.areas_to_develop}
        for row in decision.feedback.all()
    }


def _change_decision(*, actor, appeal: Appeal, outcome: str, reasons: str) -> Decision:
    current = current_decision(appeal.application)
    if outcome == current.outcome:
        raise ValidationError(
            {"outcome": "That is the decision under review: uphold it or choose another outcome"}
        )
    return correct_decision(
        actor=actor,
        decision=current,
        outcome=outcome,
        rationale=reasons,
        feedback=_feedback_of(current),
        correction_reason=f"Changed on review of the decision: {reasons}",
        departure_reason=reasons,
    )


@transaction.atomic
def decide_appeal(*, actor, appeal: Appeal, outcome: str, reasons: str) -> Appeal:
    appeal = _locked(appeal)
    require_perm(
        actor,
        "moderation.decide_appeal",
        appeal,
        message="Only a panel chair who took no part in the decision can decide the review.",
    )
    errors = {}
    if outcome not in Appeal.Outcome.values:
        errors["outcome"] = "Choose the outcome of the review"
    if not reasons.strip():
        errors["reasons"] = "Give the reasons for the outcome"
    if errors:
        raise ValidationError(errors)
    _move(appeal, "decide")
    if outcome != Appeal.Outcome.UPHELD:
        appeal.new_decision = _change_decision(
            actor=actor, appeal=appeal, outcome=outcome, reasons=reasons.strip()
        )
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.outcome = outcome
    appeal.reasons = reasons.strip()
    appeal.save()
    record_event(
        actor=actor,
        action="appeal.decided",
        target=appeal.application,
        changes={"appeal": appeal.pk, "outcome": outcome, "reasons": appeal.reasons},
    )
    appeal_decided(appeal)
    return appeal
