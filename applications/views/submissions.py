"""The applicant's pages: start, task list, sections, evidence, the
anonymisation check, declaration, check your answers, submit, withdraw."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from qualitymark.core.forms import form_page, posted, submit_form
from qualitymark.core.permissions import agency_user_required, permission_required
from qualitymark.governance.notice import file_checking

from ..forms.submissions import (
    ConfirmIdentifierForm,
    DeclarationForm,
    StartApplicationForm,
    WithdrawForm,
)
from ..lifecycle import Status, TransitionNotAllowed
from ..models.agencies import Agency
from ..models.submissions import Application
from ..selectors.identifiers import identifier_findings
from ..selectors.readiness import submission_problems
from ..selectors.start_options import start_options
from ..selectors.submissions import (
    application_overview,
    earlier_applications_for_prefill,
    open_application_of,
    own_application,
    returned_by_coram,
)
from ..services.submissions import (
    NotReadyToSubmit,
    confirm_not_identifying,
    fee_for,
    sign_declaration,
    start_application,
    submit_application,
    withdraw_application,
)
from .agencies import GET_AND_POST

DECLARATION_CLEARED = (
    "The application has changed since the declaration was signed, so an agency lead "
    "needs to sign it again before it can be submitted."
)


def _application_url(application) -> str:
    return reverse("agency:application", args=[application.pk])


def _own_application(request, pk) -> Application:
    return own_application(request.user, pk)


def _active_agency(request, slug) -> Agency:
    return get_object_or_404(Agency, slug=slug, is_active=True)


def _editable_or_redirect(request, application):
    if rules.has_perm("applications.edit_application", request.user, application):
        return None
    messages.info(request, "This application has been submitted, so it can no longer be changed.")
    return redirect(_application_url(application))


# --- Starting --------------------------------------------------------------------------------


@agency_user_required
@GET_AND_POST
@permission_required("applications.start_application", fetch=_active_agency)
def application_start(request, agency):
    existing = open_application_of(agency)
    if existing is not None:
        messages.info(request, "Your agency already has an open application. Here it is.")
        return redirect(_application_url(existing))
    options = start_options(agency)
    form = StartApplicationForm(
        posted(request),
        earlier_applications=earlier_applications_for_prefill(agency),
        options=options,
        initial={
            "kind": request.GET.get("kind") if options.allows(request.GET.get("kind")) else None
        },
    )
    return form_page(
        request,
        form,
        lambda: start_application(
            actor=request.user,
            agency=agency,
            level_sought=form.cleaned_data["level_sought"],
            kind=form.cleaned_data["kind"],
            prefill_from=form.cleaned_data.get("prefill_from"),
        ),
        success=None,
        then=_application_url,
        template="applications/apply/start.html",
        agency=agency,
        refused=options.refused,
        back_url=reverse("agency:detail", args=[agency.slug]),
    )


# --- The task list, or the submitted application --------------------------------------------


@agency_user_required
def application_detail(request, pk):
    application = own_application(request.user, pk)
    overview = application_overview(application)
    context = {
        "application": application,
        "overview": overview,
    }
    if application.is_locked:
        return render(request, "applications/apply/submitted_view.html", context)
    findings = identifier_findings(application, overview)
    unresolved = [item for item in findings if not item.confirmed]
    context.update(
        {
            "unresolved_findings": unresolved,
            "findings": findings,
            "ready_to_submit": overview.all_completed
            and application.is_declared
            and not unresolved,
            "fee": _fee_or_none(application),
            "returned": returned_by_coram(application),
        }
    )
    return render(request, "applications/apply/task_list.html", context)


def _fee_or_none(application):
    try:
        return fee_for(application.agency)
    except ValidationError:
        return None


# --- The anonymisation check -------------------------------------------------------------------


@agency_user_required
@GET_AND_POST
def identifier_check(request, pk):
    application = own_application(request.user, pk)
    if request.method == "POST":
        form = ConfirmIdentifierForm(request.POST)
        if form.is_valid():
            try:
                confirm_not_identifying(
                    actor=request.user, application=application, **form.cleaned_data
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    f"Recorded that ‘{form.cleaned_data['text']}’ does not identify anyone.",
                )
        return redirect(reverse("agency:identifiers", args=[application.pk]))
    findings = identifier_findings(application)
    grouped: dict[str, list] = {}
    for item in findings:
        grouped.setdefault(item.source_label, []).append(item)
    return render(
        request,
        "applications/apply/identifiers.html",
        {
            "application": application,
            "grouped_findings": grouped.items(),
            "unresolved_count": sum(not item.confirmed for item in findings),
            "back_url": _application_url(application),
            "file_checking": file_checking(),
        },
    )


# --- Declaration, check your answers, submit ---------------------------------------------------


@agency_user_required
@GET_AND_POST
def declaration(request, pk):
    application = own_application(request.user, pk)
    if (redirect_response := _editable_or_redirect(request, application)) is not None:
        return redirect_response
    is_lead = rules.has_perm("applications.sign_declaration", request.user, application)
    initial = {
        "name": application.declaration_name or request.user.full_name,
        "role": application.declaration_role or request.user.job_title,
    }
    form = DeclarationForm(posted(request) if is_lead else None, initial=initial)
    done = submit_form(
        request,
        form,
        lambda: sign_declaration(
            actor=request.user,
            application=application,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
        ),
        success="You have signed the declaration.",
        then=reverse("agency:check_answers", args=[application.pk]),
    )
    return done or render(
        request,
        "applications/apply/declaration.html",
        {
            "application": application,
            "form": form,
            "is_lead": is_lead,
            "back_url": _application_url(application),
            "returned": returned_by_coram(application),
        },
    )


@agency_user_required
@GET_AND_POST
def check_answers(request, pk):
    application = own_application(request.user, pk)
    if application.is_locked:
        return _already_submitted(request, application)
    overview = application_overview(application)
    problems = submission_problems(application, overview)
    can_submit = rules.has_perm("applications.submit_application", request.user, application)
    if request.method == "POST":
        if not can_submit:
            raise Http404
        try:
            submit_application(actor=request.user, application=application)
        except NotReadyToSubmit as not_ready:
            problems = not_ready.problems
        except (TransitionNotAllowed, PermissionDenied):
            # A second click (or tab) lost the race to the first one.
            application.refresh_from_db()
            if not application.is_locked:
                raise
            return _already_submitted(request, application)
        else:
            return redirect(reverse("agency:submitted", args=[application.pk]))
    return render(
        request,
        "applications/apply/check_answers.html",
        {
            "application": application,
            "overview": overview,
            "problems": [(problem, _problem_url(application, problem)) for problem in problems],
            "can_submit": can_submit,
            "fee": _fee_or_none(application),
            "back_url": _application_url(application),
        },
    )


def _already_submitted(request, application):
    """A repeated submit shows what the first one did: the confirmation."""
    if request.method == "POST" and application.status != Status.WITHDRAWN:
        return redirect(reverse("agency:submitted", args=[application.pk]))
    return redirect(_application_url(application))


def _problem_url(application, problem) -> str:
    """Where a problem listed on check-your-answers is put right."""
    target = getattr(problem, "target", "")
    if target in ("identifiers", "declaration"):
        return reverse(f"agency:{target}", args=[application.pk])
    if target:
        return reverse("agency:section", args=[application.pk, target])
    return _application_url(application)


@agency_user_required
def submitted(request, pk):
    application = own_application(request.user, pk)
    if not application.is_locked or application.status == Status.WITHDRAWN:
        return redirect(_application_url(application))
    return render(request, "applications/apply/confirmation.html", {"application": application})


@agency_user_required
@GET_AND_POST
@permission_required("applications.withdraw_application", fetch=_own_application)
def withdraw(request, application):
    form = WithdrawForm(posted(request))
    return form_page(
        request,
        form,
        lambda: withdraw_application(
            actor=request.user, application=application, reason=form.cleaned_data["reason"]
        ),
        success=lambda withdrawn: f"You have withdrawn application {withdrawn.reference}.",
        then=reverse("agency:detail", args=[application.agency.slug]),
        refusals=TransitionNotAllowed,
        template="applications/apply/withdraw.html",
        application=application,
        back_url=_application_url(application),
    )
