"""Coram staff's screening of submitted applications."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from applications import lifecycle
from applications.models.submissions import Application
from qualitymark.audit.services import field_changes, record_event
from qualitymark.core.permissions import require_perm

from ..conflicts import conflicts_by_moderator
from ..models.workflow import Assignment, FeeStatus, Screening


def screening_for(application: Application) -> Screening:
    screening, _ = Screening.objects.get_or_create(application=application)
    return screening


def _screening_state(screening: Screening) -> dict:
    return {
        "fee_status": screening.fee_status,
        "fee_paid_on": screening.fee_paid_on.isoformat() if screening.fee_paid_on else None,
        "invoice_number": screening.invoice_number,
        "fee_waiver_reason": screening.fee_waiver_reason,
        "eligibility_confirmed": screening.eligibility_confirmed,
        "eligibility_notes": screening.eligibility_notes,
    }


def _update(actor, application: Application, action: str, **values) -> Screening:
    require_perm(
        actor,
        "moderation.screen_application",
        message="Only Coram staff can screen applications.",
    )
    screening = screening_for(application)
    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    before = _screening_state(screening)
    for name, value in values.items():
        setattr(screening, name, value)
    screening.updated_by = actor
    screening.full_clean(exclude=["application", "updated_by"])
    screening.save()
    record_event(
        actor=actor,
        action=action,
        target=application,
        changes=field_changes(before, _screening_state(screening)),
    )
    return screening


@transaction.atomic
def record_fee_paid(*, actor, application: Application, paid_on: date, invoice_number: str):
    if not invoice_number.strip():
        raise ValidationError({"invoice_number": "Enter the invoice number"})
    return _update(
        actor,
        application,
        "screening.fee_paid",
        fee_status=FeeStatus.PAID,
        fee_paid_on=paid_on,
        invoice_number=invoice_number.strip(),
        fee_waiver_reason="",
    )


@transaction.atomic
def waive_fee(*, actor, application: Application, reason: str):
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the fee is waived"})
    return _update(
        actor,
        application,
        "screening.fee_waived",
        fee_status=FeeStatus.WAIVED,
        fee_waiver_reason=reason.strip(),
        fee_paid_on=None,
    )


@transaction.atomic
def record_eligibility(*, actor, application: Application, eligible: bool, notes: str = ""):
    return _update(
        actor,
        application,
        "screening.eligibility_recorded",
        eligibility_confirmed=eligible,
        eligibility_notes=notes.strip(),
    )


def acceptance_problems(application: Application) -> list[str]:
    """What must be true before an application goes to the moderators."""
    problems = []
    screening = Screening.objects.filter(application=application).first()
    if screening is None or not screening.fee_settled:
        problems.append("Record the fee as paid or waived")
    if screening is None or not screening.eligibility_confirmed:
        problems.append("Confirm that the agency is eligible")
    assignments = list(
        Assignment.objects.filter(application=application, removed_at__isnull=True).select_related(
            "moderator__user"
        )
    )
    if len(assignments) < settings.MIN_MODERATORS_PER_APPLICATION:
        problems.append(f"Assign at least {settings.MIN_MODERATORS_PER_APPLICATION} moderators")
    if not any(assignment.role == Assignment.Role.LEAD for assignment in assignments):
        problems.append("Choose a lead moderator")
    conflicted = conflicts_by_moderator([a.moderator for a in assignments], application)
    for assignment in assignments:
        if assignment.moderator_id in conflicted:
            problems.append(
                f"{assignment.moderator.user} has a conflict of interest: reassign the review"
            )
    return problems


@transaction.atomic
def accept_for_moderation(*, actor, application: Application) -> Application:
    require_perm(
        actor,
        "moderation.screen_application",
        message="Only Coram staff can screen applications.",
    )
    problems = acceptance_problems(application)
    if problems:
        raise ValidationError(problems)
    return lifecycle.transition(application, "accept_for_moderation", actor=actor)


@transaction.atomic
def return_to_agency(*, actor, application: Application, reason: str) -> Application:
    """Send a submitted application back to the agency to change: its content
    unlocks, and the declaration must be signed again."""
    require_perm(
        actor,
        "moderation.screen_application",
        message="Only Coram staff can screen applications.",
    )
    application = lifecycle.transition(application, "return_to_agency", actor=actor, reason=reason)
    Application.objects.filter(pk=application.pk).update(
        declaration_signed_at=None, declaration_signed_by=None
    )
    application.declaration_signed_at = None
    application.declaration_signed_by = None
    return application
