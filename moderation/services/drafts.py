"""The chair's draft decision and feedback: saved as often as the chair likes,
sent (recorded as the decision) only once every feedback section is written in
the panel's own words."""

from django.core.exceptions import ValidationError
from django.db import transaction

from applications.models.submissions import Application
from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm

from ..models.drafts import DecisionDraft
from ..models.workflow import Decision, PanelMeeting
from ..selectors.feedback import (
    areas_field,
    prefilled_feedback,
    strengths_field,
    unfinished_sections,
)
from .panel import record_decision


def _check_chair(actor, application: Application) -> None:
    require_perm(
        actor,
        "moderation.record_decision",
        application,
        message="Only a panel chair without a conflict can draft the decision.",
    )


@transaction.atomic
def save_decision_draft(
    *,
    actor,
    application: Application,
    meeting: PanelMeeting | None,
    outcome: str,
    rationale: str,
    departure_reason: str,
    sections: dict[str, str],
) -> DecisionDraft:
    """Keep what the chair typed. The prefilled text is fixed when the draft is
    first saved, so that "unedited" keeps meaning the moderators' words."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_chair(actor, application)
    draft = DecisionDraft.objects.filter(application=application).first()
    if draft is None:
        draft = DecisionDraft(application=application, prefill=prefilled_feedback(application))
    known = set(draft.prefill)
    draft.meeting = meeting
    draft.outcome = outcome or ""
    draft.rationale = rationale.strip()
    draft.departure_reason = departure_reason.strip()
    draft.sections = {key: text.strip() for key, text in sections.items() if key in known}
    draft.updated_by = actor
    draft.save()
    record_event(
        actor=actor,
        action="decision.draft_saved",
        target=application,
        changes={"outcome": draft.outcome, "unfinished": sorted(unfinished_sections(draft))},
    )
    return draft


@transaction.atomic
def send_decision(*, actor, application: Application) -> Decision:
    """Record the saved draft as the panel's decision and send it to the agency."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_chair(actor, application)
    draft = DecisionDraft.objects.filter(application=application).first()
    if draft is None:
        raise ValidationError("Save the draft before sending it.")
    errors = {}
    if draft.meeting is None:
        errors["meeting"] = "Choose the meeting that made the decision"
    if not draft.outcome:
        errors["outcome"] = "Choose the panel's decision"
    if not draft.rationale:
        errors["rationale"] = "Explain the panel's decision"
    errors.update(unfinished_sections(draft))
    if errors:
        raise ValidationError(errors)
    descriptors = application.framework.descriptors.all()
    decision = record_decision(
        actor=actor,
        application=application,
        meeting=draft.meeting,
        outcome=draft.outcome,
        rationale=draft.rationale,
        departure_reason=draft.departure_reason,
        feedback={
            descriptor.pk: {
                "strengths": draft.sections.get(strengths_field(descriptor), ""),
                "areas_to_develop": draft.sections.get(areas_field(descriptor), ""),
            }
            for descriptor in descriptors
        },
    )
    draft.delete()
    return decision
