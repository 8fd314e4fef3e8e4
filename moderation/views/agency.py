"""The agency's side of moderation: answering an information request, and
reading (or downloading) the panel's decision with its feedback.

Only members of the application's agency reach these pages
(applications.selectors.own_application); anyone else gets 404."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from applications.lifecycle import TransitionNotAllowed
from applications.models.evidence import EvidenceFile
from applications.selectors.submissions import own_application
from applications.services.evidence import add_evidence_file, check_evidence
from qualitymark.audit.services import record_event
from qualitymark.core.forms import posted, submit_form
from qualitymark.core.permissions import agency_user_required
from qualitymark.files.pdf import render_pdf
from qualitymark.files.validation import UploadRejected

from ..forms.panel import InformationResponseForm
from ..selectors.appeals import appeal_window_closes_on, first_and_current_decision
from ..selectors.feedback import decision_feedback_rows
from ..selectors.workflow import information_requests_of, response_files
from ..services import information as information_services
from ..services.information import save_draft_answers

GET_AND_POST = require_http_methods(["GET", "POST"])


def _application_url(application) -> str:
    return reverse("agency:application", args=[application.pk])


# --- Information requests -------------------------------------------------------------------


def _upload(request, application, information_request, form) -> list[EvidenceFile]:
    """Store each selected file as evidence under the request's key. A refused
    file is named in the form's errors; the others are kept."""
    added = []
    for upload in request.FILES.getlist("files"):
        try:
            added.append(
                add_evidence_file(
                    actor=request.user,
                    application=application,
                    section_key=information_request.evidence_section_key,
                    uploaded_file=upload,
                )
            )
        except UploadRejected as rejected:
            form.add_error("files", f"{upload.name}: {rejected.reason}")
        except PermissionDenied:
            form.add_error("files", f"{upload.name}: files can no longer be added to this request")
    if added:
        names = ", ".join(evidence.original_name for evidence in added)
        messages.success(request, f"Uploaded {names}.")
    return added


def _identifier_warnings(application, information_request, form) -> list[dict]:
    """Likely identifiers in the typed answers and the files, for the page's warning."""
    from applications.selectors.identifier_texts import identifiers_in

    texts = [
        (
            f"Answer {number}",
            f"#id_answer_{question.pk}",
            form.cleaned_data.get(f"answer_{question.pk}", ""),
        )
        for number, question in enumerate(form.questions, start=1)
    ]
    files = response_files(information_request)
    for evidence in files:
        if evidence.scan_status == "pending":
            # Just uploaded: its text is read now, so the check covers it before sending.
            check_evidence(evidence.pk)
    files = response_files(information_request)
    return [
        {
            "where": item.label,
            "href": item.anchor if item.anchor.startswith("#") else "#files",
            "kind": item.kind_label,
            "text": "" if item.is_unreadable_document else item.finding.text,
            "before": item.context_before,
            "after": item.context_after,
        }
        for item in identifiers_in(application, texts=texts, files=files)
    ]


def _stopped_for_identifiers(request, application, information_request, form) -> bool:
    """Answers with likely identifiers are sent only once an agency lead has checked them."""
    warnings = _identifier_warnings(application, information_request, form)
    is_lead = rules.has_perm("applications.lead_application", request.user, application)
    if warnings and not (is_lead and request.POST.get("identifiers_checked")):
        form.identifier_warnings = warnings
        return True
    if warnings:
        record_event(
            actor=request.user,
            action="information_request.identifiers_confirmed",
            target=application,
            changes={"request": information_request.pk, "count": len(warnings)},
        )
    return False


def _upload_or_send(request, application, information_request, form):
    sending = "upload" not in request.POST
    added = _upload(request, application, information_request, form)
    if not sending and not added and not form.errors:
        form.add_error("files", "Select a file to upload")
    if not sending or form.errors:
        return None
    if _stopped_for_identifiers(request, application, information_request, form):
        return None
    try:
        return submit_form(
            request,
            form,
            lambda: information_services.respond_to_information_request(
                actor=request.user, request=information_request, answers=form.answers()
            ),
            success="Your answers have been sent. The moderators will carry on with their review.",
            then=request.path,
        )
    except (PermissionDenied, TransitionNotAllowed):
        messages.info(request, "These questions have already been answered.")
        return redirect(request.path)


def _save_draft(request, application, information_request, form):
    """Upload any file and keep the answers unsent; the redirect once done."""
    _upload(request, application, information_request, form)
    warnings = _identifier_warnings(application, information_request, form)
    form.identifier_warnings = warnings
    if form.errors:
        return None
    if warnings:
        messages.success(request, "Your answers are saved but not sent.")
        return None
    messages.success(
        request,
        "Your answers are saved but not sent. Come back to send them "
        f"by {information_request.due_on:%-d %B %Y}.",
    )
    return redirect(request.path)


def _answer(request, application, information_request, form):
    """A valid POST: keep what was typed, then save it as a draft, upload a
    file or send the answers. The response once done, else None."""
    try:
        # Whatever happens next, what was typed is kept (moderators don't see it).
        save_draft_answers(actor=request.user, request=information_request, answers=form.answers())
    except (PermissionDenied, ValidationError):
        messages.info(request, "These questions have already been answered.")
        return redirect(request.path)
    if "save_draft" in request.POST:
        return _save_draft(request, application, information_request, form)
    return _upload_or_send(request, application, information_request, form)


@agency_user_required
@GET_AND_POST
def respond_to_information_request(request, pk, request_pk):
    application = own_application(request.user, pk)
    information_request = get_object_or_404(information_requests_of(application), pk=request_pk)
    questions = list(information_request.questions.all())
    is_open = information_request.is_open and application.state.agency_may_answer
    form = None
    if is_open:
        drafts = {f"answer_{q.pk}": q.draft_answer for q in questions if q.draft_answer}
        form = InformationResponseForm(
            posted(request), request.FILES or None, questions=questions, initial=drafts
        )
        posted_valid = request.method == "POST" and form.is_valid()
        if posted_valid and (done := _answer(request, application, information_request, form)):
            return done
    elif request.method == "POST":
        return redirect(request.path)
    return render(
        request,
        "moderation/agency/information_request.html",
        {
            "application": application,
            "information_request": information_request,
            "questions": questions,
            "files": response_files(information_request),
            "form": form,
            "back_url": _application_url(application),
            "identifier_warnings": getattr(form, "identifier_warnings", []),
            "is_lead": rules.has_perm("applications.lead_application", request.user, application),
        },
    )


# --- The decision ------------------------------------------------------------------------------


def _decision_context(request, pk) -> dict:
    application = own_application(request.user, pk, related=("agency",))
    if not application.state.has_decision:
        raise Http404
    first, decision = first_and_current_decision(application)
    if decision is None:
        raise Http404
    return {
        "application": application,
        "decision": decision,
        "feedback": decision_feedback_rows(decision),
        "first_recorded_at": first.recorded_at if first else decision.recorded_at,
        "corrected": decision.supersedes_id is not None,
        "appeal_closes_on": appeal_window_closes_on(application, first),
    }


@agency_user_required
@require_GET
def decision(request, pk):
    context = _decision_context(request, pk)
    context["back_url"] = _application_url(context["application"])
    return render(request, "moderation/agency/decision.html", context)


@agency_user_required
@require_GET
def decision_pdf(request, pk):
    context = _decision_context(request, pk)
    application = context["application"]
    data = render_pdf(
        "pdf/decision.html",
        {**context, "generated_at": timezone.now(), "generated_by": request.user},
    )
    record_event(
        actor=request.user,
        action="decision.pdf_downloaded",
        target=application,
        changes={"decision": context["decision"].pk, "bytes": len(data)},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{application.reference}-decision.pdf"
    )
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
