"""Coram staff screening an application: fee, eligibility, then accept or return."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.lifecycle import TransitionNotAllowed
from qualitymark.core.forms import ConfirmForm, posted, submit_form
from qualitymark.core.permissions import staff_required

from ..forms.staff import EligibilityForm, FeeForm, ReasonForm
from ..models.choices import eligibility_answered
from ..models.workflow import FeeStatus
from ..services import screening as screening_services
from ..services.screening import (
    accept_for_moderation,
    acceptance_problems,
    record_fee_paid,
    waive_fee,
)
from .staff import (
    GET_AND_POST,
    _application,
    _application_url,
    _assignment_rows,
    _moved_on,
    _page,
    _screening,
)


def _screening_closed(request, application):
    return _moved_on(request, application, "its fee and eligibility can no longer be changed")


def _settle_fee(actor, application, data) -> str:
    """Record the fee as paid or waived, and say which."""
    if data["fee_status"] == FeeStatus.PAID:
        record_fee_paid(
            actor=actor,
            application=application,
            paid_on=data["paid_on"],
            invoice_number=data["invoice_number"],
        )
        return "paid"
    waive_fee(actor=actor, application=application, reason=data["reason"])
    return "waived"


@staff_required
@GET_AND_POST
def record_fee(request, pk):
    application = _application(request, pk)
    if not application.state.staff_may_screen:
        return _screening_closed(request, application)
    screening = _screening(application)
    initial = {}
    if screening is not None and screening.fee_settled:
        initial = {
            "fee_status": screening.fee_status,
            "paid_on": screening.fee_paid_on,
            "invoice_number": screening.invoice_number,
            "reason": screening.fee_waiver_reason,
        }
    form = FeeForm(posted(request), initial=initial)
    return submit_form(
        request,
        form,
        lambda: _settle_fee(request.user, application, form.cleaned_data),
        success=lambda settled: f"The fee for {application.reference} is recorded as {settled}.",
        then=_application_url(application),
    ) or _page(request, application, "fee.html", form=form)


def _eligibility_message(application, eligible: bool) -> str:
    if eligible:
        return f"{application.agency.name} is recorded as eligible."
    return (
        f"{application.agency.name} is recorded as not eligible. You can return "
        "the application to the agency."
    )


@staff_required
@GET_AND_POST
def record_eligibility(request, pk):
    application = _application(request, pk)
    if not application.state.staff_may_screen:
        return _screening_closed(request, application)
    screening = _screening(application)
    initial = {}
    if screening is not None and eligibility_answered(
        screening.eligibility_confirmed, screening.eligibility_notes
    ):
        initial = {
            "eligible": "yes" if screening.eligibility_confirmed else "no",
            "notes": screening.eligibility_notes,
        }
    form = EligibilityForm(posted(request), initial=initial)
    return submit_form(
        request,
        form,
        lambda: screening_services.record_eligibility(
            actor=request.user,
            application=application,
            eligible=form.cleaned_data["eligible"],
            notes=form.cleaned_data["notes"],
        ),
        success=lambda _: _eligibility_message(application, form.cleaned_data["eligible"]),
        then=_application_url(application),
    ) or _page(request, application, "eligibility.html", form=form)


# --- Accept or return ---------------------------------------------------------------------------


def _already_screened(request, application):
    return _moved_on(request, application, "it can no longer be accepted or returned to the agency")


def _accept(actor, application):
    """Accept it, or say why not (reloading it, in case a concurrent click moved it on)."""
    try:
        accept_for_moderation(actor=actor, application=application)
    except TransitionNotAllowed as error:
        application.refresh_from_db()
        raise ValidationError(str(error)) from error


@staff_required
@GET_AND_POST
def accept(request, pk):
    application = _application(request, pk)
    if not application.state.staff_may_screen:
        return _already_screened(request, application)
    form = ConfirmForm(posted(request))
    done = submit_form(
        request,
        form,
        lambda: _accept(request.user, application),
        success=f"Application {application.reference} has been accepted for moderation. "
        "The agency and the moderators have been told by e-mail.",
        then=_application_url(application),
    )
    if done:
        return done
    if not application.state.staff_may_screen:  # a concurrent click got there first
        return _already_screened(request, application)
    problems = acceptance_problems(application)
    return _page(
        request,
        application,
        "accept.html",
        form=form,
        problems=problems,
        assignment_rows=_assignment_rows(application),
    )


@staff_required
@GET_AND_POST
def return_to_agency(request, pk):
    application = _application(request, pk)
    if not application.state.staff_may_screen:
        return _already_screened(request, application)
    form = ReasonForm(
        posted(request),
        label="What does the agency need to change?",
        help_text="The agency's leads get this in an e-mail. Explain what is missing or "
        "what to change, without naming any child, carer or birth family member.",
        missing="Enter what the agency needs to change",
        submit_label="Return application",
        warning=True,
    )
    # A returned application is a draft again: it leaves the staff pages
    # until the agency resubmits it.
    return submit_form(
        request,
        form,
        lambda: screening_services.return_to_agency(
            actor=request.user, application=application, reason=form.cleaned_data["reason"]
        ),
        success=f"Application {application.reference} has been returned to "
        f"{application.agency.name}. Its leads have been told by e-mail.",
        then=reverse("staff:screening"),
        refusals=TransitionNotAllowed,
    ) or _page(request, application, "return.html", form=form)
