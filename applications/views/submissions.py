"""The applicant's pages: start, task list, sections, evidence, the
anonymisation check, declaration, check your answers, submit, withdraw."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qualitymark.core.forms import apply_errors, posted
from qualitymark.core.permissions import agency_user_required
from qualitymark.files.validation import UploadRejected

from .. import rules as application_rules
from .. import selectors, services
from ..forms import ConfirmIdentifierForm, DeclarationForm, StartApplicationForm, WithdrawForm
from ..lifecycle import ReasonRequired, Status, TransitionNotAllowed
from ..middleware import pop_rescued_draft
from ..models import Agency, SectionAnswer
from ..sections import FEE, DescriptorSection, form_kwargs
from .agencies import GET_AND_POST
from .identifier_warnings import identifier_check_url, section_identifier_warnings
from .upload_feedback import report_upload

DECLARATION_CLEARED = (
    "The application has changed since the declaration was signed, so an agency lead "
    "needs to sign it again before it can be submitted."
)


def _application_url(application) -> str:
    return reverse("agency:application", args=[application.pk])


def _editable_or_redirect(request, application):
    if application_rules.can_edit_application(request.user, application):
        return None
    messages.info(request, "This application has been submitted, so it can no longer be changed.")
    return redirect(_application_url(application))


# --- Starting --------------------------------------------------------------------------------


@agency_user_required
@GET_AND_POST
def application_start(request, slug):
    agency = get_object_or_404(Agency, slug=slug, is_active=True)
    if not application_rules.can_start_application(request.user, agency):
        raise Http404
    existing = selectors.open_application_of(agency)
    if existing is not None:
        messages.info(request, "Your agency already has an open application. Here it is.")
        return redirect(_application_url(existing))
    form = StartApplicationForm(
        posted(request), earlier_applications=selectors.earlier_applications_for_prefill(agency)
    )
    if form.is_valid():
        try:
            application = services.start_application(
                actor=request.user,
                agency=agency,
                level_sought=form.cleaned_data["level_sought"],
                kind=form.cleaned_data["kind"],
                prefill_from=form.cleaned_data.get("prefill_from"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect(_application_url(application))
    return render(
        request,
        "applications/apply/start.html",
        {"form": form, "agency": agency, "back_url": reverse("agency:detail", args=[slug])},
    )


# --- The task list, or the submitted application --------------------------------------------


@agency_user_required
def application_detail(request, pk):
    application = selectors.own_application(request.user, pk)
    overview = selectors.application_overview(application)
    context = {
        "application": application,
        "overview": overview,
        "is_lead": application_rules.is_lead_of_application_agency(request.user, application),
    }
    if application.is_locked:
        context["can_withdraw"] = application_rules.can_withdraw_application(
            request.user, application
        )
        return render(request, "applications/apply/submitted_view.html", context)
    findings = selectors.identifier_findings(application, overview)
    unresolved = [item for item in findings if not item.confirmed]
    context.update(
        {
            "unresolved_findings": unresolved,
            "findings": findings,
            "ready_to_submit": overview.all_completed
            and application.is_declared
            and not unresolved,
            "fee": _fee_or_none(application),
        }
    )
    return render(request, "applications/apply/task_list.html", context)


def _fee_or_none(application):
    try:
        return services.fee_for(application.agency)
    except ValidationError:
        return None


# --- Sections ------------------------------------------------------------------------------


@agency_user_required
@GET_AND_POST
def section_edit(request, pk, key):
    application = selectors.own_application(request.user, pk)
    if (redirect_response := _editable_or_redirect(request, application)) is not None:
        return redirect_response
    overview = selectors.application_overview(application)
    row = overview.row(key)
    if row is None:
        raise Http404
    section = row.section
    conflict = None

    if request.method == "POST":
        form = section.form_class(
            request.POST, request.FILES, application=application, **form_kwargs(section)
        )
        if form.is_valid():
            result = _save_section_form(request, application, row, form)
            if isinstance(result, services.EditConflict):
                conflict = result
            elif result is not None:
                return result
        elif "version" in form.errors:
            # Without the version we cannot tell what they changed: compare
            # with what is saved, as for a conflict, and let them save again.
            form.data = form.data.copy()
            form.data["version"] = row.version
            conflict = services.EditConflict(row.answer)
    else:
        rescued = pop_rescued_draft(request)
        if rescued is not None:
            form = section.form_class(
                initial=rescued, application=application, **form_kwargs(section)
            )
            messages.info(
                request,
                "You were signed out before your changes were saved. We kept what you "
                "typed: check it and save.",
            )
        else:
            form = section.form_class(
                initial={**row.data, "version": row.version, "completed": _completed_initial(row)},
                application=application,
                **form_kwargs(section),
            )

    conflict_rows = _conflict_rows(form, conflict.current) if conflict else []
    return render(
        request,
        "applications/apply/section.html",
        {
            "application": application,
            "row": row,
            "section": section,
            "descriptor": section.descriptor,
            "form": form,
            "conflict": conflict.current if conflict else None,
            "conflict_rows": conflict_rows,
            "conflict_differs": any(item["differs"] for item in conflict_rows),
            "is_descriptor": section.form_class is DescriptorSection,
            "fee": _fee_or_none(application) if key == FEE else None,
            "back_url": _application_url(application),
            "identifier_warnings": section_identifier_warnings(application, key, overview),
            "identifier_check_url": identifier_check_url(application),
        },
        status=409 if conflict else 200,
    )


def _completed_initial(row) -> str | None:
    if row.answer is None:
        return None
    return "yes" if row.is_completed else "no"


def _save_section_form(request, application, row, form):
    """Save the section (and any uploaded file). Returns a redirect when done,
    an EditConflict when someone else saved first, or None to show errors."""
    if form.wants_complete():
        state = SectionAnswer.State.COMPLETED
    elif form.has_content() or row.answer is not None:
        state = SectionAnswer.State.IN_PROGRESS
    else:
        state = SectionAnswer.State.NOT_STARTED
    try:
        answer = services.save_section(
            actor=request.user,
            application=application,
            key=row.key,
            data=form.answer_data(),
            state=state,
            expected_version=form.cleaned_data["version"],
        )
    except services.EditConflict as conflict:
        form.data = form.data.copy()
        form.data["version"] = conflict.current.version if conflict.current else 0
        return conflict
    except PermissionDenied:
        messages.info(request, "This application can no longer be changed.")
        return redirect(_application_url(application))

    if answer.declaration_cleared:
        messages.warning(request, DECLARATION_CLEARED)
    section_url = reverse("agency:section", args=[application.pk, row.key])
    upload = request.FILES.get("evidence") if "evidence" in form.fields else None
    uploading = "upload" in request.POST
    if uploading or upload is not None:
        # A file chosen but sent with "Save and continue" is uploaded too, not dropped.
        problem = None
        if upload is None:
            problem = "Select a file to upload"
        else:
            try:
                evidence = services.add_evidence_file(
                    actor=request.user,
                    application=application,
                    section_key=row.key,
                    uploaded_file=upload,
                )
            except UploadRejected as rejected:
                problem = f"{upload.name}: {rejected.reason}"
        if problem is not None:
            form.add_error("evidence", problem)
            form.data = form.data.copy()
            form.data["version"] = answer.version
            return None
        report_upload(request, evidence)
        if uploading:
            return redirect(f"{section_url}#evidence")
    if state == SectionAnswer.State.COMPLETED:
        messages.success(request, f"‘{row.section.title}’ is complete.")
    else:
        messages.success(
            request, f"Saved ‘{row.section.title}’. You can come back to it at any time."
        )
    if section_identifier_warnings(application, row.key):
        return redirect(f"{section_url}#identifier-warning")  # show them at once
    return redirect(_application_url(application))


def _conflict_rows(form, current: SectionAnswer | None) -> list[dict]:
    saved = current.data if current else {}
    rows = []
    for name, field in form.fields.items():
        if name in form.MACHINERY:
            continue
        mine = _as_text(form.data.get(name))
        theirs = _as_text(saved.get(name))
        rows.append(
            {"label": field.label, "mine": mine, "theirs": theirs, "differs": mine != theirs}
        )
    return rows


def _as_text(value) -> str:
    return "" if value is None else str(value).replace("\r\n", "\n").strip()


@agency_user_required
@require_POST
def section_autosave(request, pk, key):
    """Called by the autosave script: saves the section as in progress (a
    completed section whose answers did not change stays completed)."""
    application = selectors.own_application(request.user, pk)
    if not application_rules.can_edit_application(request.user, application):
        return JsonResponse({"saved": False, "locked": True}, status=403)
    overview = selectors.application_overview(application)
    row = overview.row(key)
    if row is None:
        raise Http404
    data = request.POST.copy()
    data["later"] = "1"
    form = row.section.form_class(data, application=application, **form_kwargs(row.section))
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse({"saved": False, "errors": errors}, status=400)
    if row.answer is not None and form.answer_data() == row.data:
        state = row.state
    elif form.has_content() or row.answer is not None:
        state = SectionAnswer.State.IN_PROGRESS
    else:
        state = SectionAnswer.State.NOT_STARTED
    try:
        answer = services.save_section(
            actor=request.user,
            application=application,
            key=key,
            data=form.answer_data(),
            state=state,
            expected_version=form.cleaned_data["version"],
        )
    except services.EditConflict as conflict:
        current = conflict.current
        return JsonResponse(
            {
                "saved": False,
                "conflict": True,
                "updated_by": str(current.updated_by) if current else "",
            },
            status=409,
        )
    except PermissionDenied:
        return JsonResponse({"saved": False, "locked": True}, status=403)
    return JsonResponse(
        {
            "saved": True,
            "version": answer.version,
            "saved_at": answer.updated_at.isoformat(),
            "declaration_cleared": answer.declaration_cleared,
        }
    )


# --- The anonymisation check -------------------------------------------------------------------


@agency_user_required
@GET_AND_POST
def identifier_check(request, pk):
    application = selectors.own_application(request.user, pk)
    if request.method == "POST":
        form = ConfirmIdentifierForm(request.POST)
        if form.is_valid():
            try:
                services.confirm_not_identifying(
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
    findings = selectors.identifier_findings(application)
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
            "is_lead": application_rules.is_lead_of_application_agency(request.user, application),
            "editable": application_rules.can_edit_application(request.user, application),
            "back_url": _application_url(application),
        },
    )


# --- Declaration, check your answers, submit ---------------------------------------------------


@agency_user_required
@GET_AND_POST
def declaration(request, pk):
    application = selectors.own_application(request.user, pk)
    if (redirect_response := _editable_or_redirect(request, application)) is not None:
        return redirect_response
    is_lead = application_rules.can_sign_declaration(request.user, application)
    initial = {
        "name": application.declaration_name or request.user.full_name,
        "role": application.declaration_role or request.user.job_title,
    }
    form = DeclarationForm(posted(request) if is_lead else None, initial=initial)
    if is_lead and form.is_valid():
        services.sign_declaration(
            actor=request.user,
            application=application,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
        )
        messages.success(request, "You have signed the declaration.")
        return redirect(reverse("agency:check_answers", args=[application.pk]))
    return render(
        request,
        "applications/apply/declaration.html",
        {
            "application": application,
            "form": form,
            "is_lead": is_lead,
            "back_url": _application_url(application),
        },
    )


@agency_user_required
@GET_AND_POST
def check_answers(request, pk):
    application = selectors.own_application(request.user, pk)
    if application.is_locked:
        return _already_submitted(request, application)
    overview = selectors.application_overview(application)
    problems = selectors.submission_problems(application, overview)
    can_submit = application_rules.can_submit_application(request.user, application)
    if request.method == "POST":
        if not can_submit:
            raise Http404
        try:
            services.submit_application(actor=request.user, application=application)
        except services.NotReadyToSubmit as not_ready:
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
    application = selectors.own_application(request.user, pk)
    if not application.is_locked or application.status == Status.WITHDRAWN:
        return redirect(_application_url(application))
    return render(request, "applications/apply/confirmation.html", {"application": application})


@agency_user_required
@GET_AND_POST
def withdraw(request, pk):
    application = selectors.own_application(request.user, pk)
    if not application_rules.can_withdraw_application(request.user, application):
        raise Http404
    form = WithdrawForm(posted(request))
    if form.is_valid():
        try:
            withdrawn = services.withdraw_application(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except ReasonRequired as error:
            form.add_error("reason", str(error))
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"You have withdrawn application {withdrawn.reference}.")
            return redirect("agency:detail", slug=application.agency.slug)
    return render(
        request,
        "applications/apply/withdraw.html",
        {"application": application, "form": form, "back_url": _application_url(application)},
    )
