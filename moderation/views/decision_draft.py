"""The chair drafts the panel's decision and feedback, previews it as the
agency's PDF (marked as a draft) and sends it once every section is the
panel's own words. Anyone who may not decide gets 404."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from applications.lifecycle import TransitionNotAllowed
from qualitymark.core.forms import apply_errors, posted
from qualitymark.core.permissions import chair_or_staff_required
from qualitymark.files.pdf import render_pdf

from ..forms.panel import DecisionForm
from ..models.workflow import PanelMeeting, Recommendation
from ..selectors.feedback import decision_draft_of, draft_feedback_rows, prefilled_feedback
from ..selectors.panel import application_for_chair, consolidation_for
from ..services.drafts import save_decision_draft, send_decision
from .panel import RECORDED_SESSION_KEY, _decision_recorded, _may_decide, _quorum_label

GET_AND_POST = require_http_methods(["GET", "POST"])


def _initial(application, draft, suggested: str, meetings) -> dict:
    if draft is not None:
        return {
            "meeting": draft.meeting_id,
            "outcome": draft.outcome,
            "rationale": draft.rationale,
            "departure_reason": draft.departure_reason,
            **{**draft.prefill, **draft.sections},
        }
    initial = {"outcome": suggested, **prefilled_feedback(application)}
    if len(meetings) == 1:
        initial["meeting"] = meetings[0].pk
    return initial


def _page(request, application) -> dict:
    suggested = consolidation_for(application).suggested_outcome
    meetings = list(
        PanelMeeting.objects.filter(agenda=application)
        .select_related("chair__user")
        .order_by("-held_on", "-pk")
    )
    draft = decision_draft_of(application)
    form = DecisionForm(
        posted(request),
        initial=_initial(application, draft, suggested, meetings),
        descriptors=application.framework.descriptors.order_by("number"),
        suggested_outcome=suggested,
        meetings=meetings,
        meeting_labels={meeting.pk: _quorum_label(meeting, application) for meeting in meetings},
        draft=True,
    )
    return {
        "application": application,
        "form": form,
        "draft": draft,
        "meetings": meetings,
        "suggested_label": Recommendation(suggested).label,
        "quorum": settings.PANEL_QUORUM,
        "back_url": reverse("moderation:consolidation", args=[application.pk]),
    }


def _save_and_maybe_send(request, application, form):
    """Whatever happens, what the chair typed is saved as the draft first."""
    data = form.cleaned_data
    sections = {
        name: data.get(name, "")
        for name in form.fields
        if name.startswith(("strengths_", "areas_"))
    }
    save_decision_draft(
        actor=request.user,
        application=application,
        meeting=data.get("meeting"),
        outcome=data.get("outcome", ""),
        rationale=data.get("rationale", ""),
        departure_reason=data.get("departure_reason", ""),
        sections=sections,
    )
    if "save_draft" in request.POST:
        messages.success(request, "The draft is saved. It has not been sent to the agency.")
        return redirect("moderation:decide", application.pk)
    try:
        decision = send_decision(actor=request.user, application=application)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    request.session[RECORDED_SESSION_KEY] = decision.pk
    return redirect("moderation:decide", application.pk)


@chair_or_staff_required
@GET_AND_POST
def record_decision(request, pk):
    application = application_for_chair(request.user, pk)
    if application.state.has_decision:
        return _decision_recorded(request, application)
    if not _may_decide(request.user, application):
        raise Http404
    page = _page(request, application)
    form = page["form"]
    if request.method == "POST" and page["meetings"] and form.is_valid():
        try:
            response = _save_and_maybe_send(request, application, form)
        except (PermissionDenied, TransitionNotAllowed):
            messages.info(request, "The decision on this application has already been recorded.")
            return redirect("moderation:decide", application.pk)
        if response is not None:
            return response
        page["draft"] = decision_draft_of(application)
    return render(request, "moderation/panel/decide.html", page)


@chair_or_staff_required
@require_GET
def decision_draft_pdf(request, pk):
    """The saved draft as the agency would receive it, marked as a draft."""
    application = application_for_chair(request.user, pk)
    draft = decision_draft_of(application)
    if draft is None or not _may_decide(request.user, application):
        raise Http404
    data = render_pdf(
        "pdf/decision.html",
        {
            "application": application,
            "decision": {
                "get_outcome_display": Recommendation(draft.outcome).label
                if draft.outcome
                else "Not chosen yet",
                "rationale": draft.rationale,
            },
            "is_draft": True,
            "feedback": draft_feedback_rows(draft),
            "first_recorded_at": None,
            "generated_at": timezone.now(),
            "generated_by": request.user,
        },
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{application.reference}-decision-DRAFT.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
