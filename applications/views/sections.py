"""Writing one section of the application: the section page, saving it and autosave."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qualitymark.core.permissions import agency_user_required
from qualitymark.files.validation import UploadRejected

from ..award_facts import previous_outcome_for
from ..middleware import pop_rescued_draft
from ..models.submissions import SectionAnswer
from ..section_forms import DescriptorSection
from ..section_list import form_kwargs
from ..sections import CHANGES, FEE
from ..selectors.submissions import application_overview, own_application
from ..services.evidence import add_evidence_file
from ..services.submissions import EditConflict, save_section
from .agencies import GET_AND_POST
from .identifier_warnings import identifier_check_url, section_identifier_warnings
from .submissions import DECLARATION_CLEARED, _application_url, _editable_or_redirect, _fee_or_none
from .upload_feedback import report_upload

# --- Sections ------------------------------------------------------------------------------


@agency_user_required
@GET_AND_POST
def section_edit(request, pk, key):
    application = own_application(request.user, pk)
    if (redirect_response := _editable_or_redirect(request, application)) is not None:
        return redirect_response
    overview = application_overview(application)
    row = overview.row(key)
    if row is None:
        raise Http404
    conflict = None
    if request.method == "POST":
        form = row.section.form_class(
            request.POST, request.FILES, application=application, **form_kwargs(row.section)
        )
        result = _posted_section(request, application, row, form)
        if result is not None and not isinstance(result, EditConflict):
            return result
        conflict = result
    else:
        form = _section_form(request, application, row)
    return _section_page(request, application, row, overview, form, conflict)


def _posted_section(request, application, row, form):
    """A redirect when saved, an EditConflict to compare, or None to show errors."""
    if form.is_valid():
        return _save_section_form(request, application, row, form)
    if "version" in form.errors:
        # Without the version we cannot tell what they changed: compare
        # with what is saved, as for a conflict, and let them save again.
        form.data = form.data.copy()
        form.data["version"] = row.version
        return EditConflict(row.answer)
    return None


def _section_form(request, application, row):
    """The section's form as saved, or as typed before a sign-out lost it."""
    section = row.section
    rescued = pop_rescued_draft(request)
    if rescued is not None:
        messages.info(
            request,
            "You were signed out before your changes were saved. We kept what you "
            "typed: check it and save.",
        )
        return section.form_class(initial=rescued, application=application, **form_kwargs(section))
    return section.form_class(
        initial={**row.data, "version": row.version, "completed": _completed_initial(row)},
        application=application,
        **form_kwargs(section),
    )


def _section_page(request, application, row, overview, form, conflict):
    section, key = row.section, row.key
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
            "previous_outcome": previous_outcome_for(application) if key == CHANGES else None,
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


def _state_after_saving(form, row, *, autosave=False) -> str:
    """Completed when asked for; an autosave of unchanged answers keeps the state."""
    if autosave and row.answer is not None and form.answer_data() == row.data:
        return row.state
    if not autosave and form.wants_complete():
        return SectionAnswer.State.COMPLETED
    if form.has_content() or row.answer is not None:
        return SectionAnswer.State.IN_PROGRESS
    return SectionAnswer.State.NOT_STARTED


def _save_section_form(request, application, row, form):
    """Save the section (and any uploaded file). Returns a redirect when done,
    an EditConflict when someone else saved first, or None to show errors."""
    state = _state_after_saving(form, row)
    try:
        answer = save_section(
            actor=request.user,
            application=application,
            key=row.key,
            data=form.answer_data(),
            state=state,
            expected_version=form.cleaned_data["version"],
        )
    except EditConflict as conflict:
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
        if not _upload_evidence(request, application, row, form, answer, upload):
            return None
        if uploading:
            return redirect(f"{section_url}#evidence")
    return _saved(request, application, row, state, section_url)


def _upload_evidence(request, application, row, form, answer, upload) -> bool:
    """Add the chosen file; False with the reason on the form when refused."""
    problem = "Select a file to upload" if upload is None else None
    if upload is not None:
        try:
            evidence = add_evidence_file(
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
        return False
    report_upload(request, evidence)
    return True


def _saved(request, application, row, state, section_url):
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
    application = own_application(request.user, pk)
    if not rules.has_perm("applications.edit_application", request.user, application):
        return JsonResponse({"saved": False, "locked": True}, status=403)
    overview = application_overview(application)
    row = overview.row(key)
    if row is None:
        raise Http404
    data = request.POST.copy()
    data["later"] = "1"
    form = row.section.form_class(data, application=application, **form_kwargs(row.section))
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse({"saved": False, "errors": errors}, status=400)
    state = _state_after_saving(form, row, autosave=True)
    try:
        answer = save_section(
            actor=request.user,
            application=application,
            key=key,
            data=form.answer_data(),
            state=state,
            expected_version=form.cleaned_data["version"],
        )
    except EditConflict as conflict:
        return _autosave_conflict(conflict)
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


def _autosave_conflict(conflict: EditConflict) -> JsonResponse:
    current = conflict.current
    return JsonResponse(
        {
            "saved": False,
            "conflict": True,
            "updated_by": str(current.updated_by) if current else "",
        },
        status=409,
    )
