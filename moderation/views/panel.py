"""The panel's pages: applications at panel, the consolidated matrix, recording
a decision (and correcting one), and Coram staff's panel meetings.

Who sees what: the panel pages are for panel chairs without a conflict on the
application, and for Coram staff (who may look but not decide); meetings are
for Coram staff. Anyone else gets 404."""

from dataclasses import dataclass

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from applications.lifecycle import may_transition
from applications.models.submissions import Level
from qualitymark.core.forms import apply_errors, posted
from qualitymark.core.pagination import bounded_page
from qualitymark.core.permissions import chair_or_staff_required

from ..consolidation import rule_facts, suggest_outcome
from ..forms.panel import DecisionForm
from ..models.workflow import PanelMeeting, Recommendation
from ..ratings import rating_label
from ..selectors.feedback import decision_feedback_rows
from ..selectors.panel import application_for_chair, consolidation_for
from ..selectors.panel_list import at_panel_rows, panel_applications_for, recent_decisions_for
from ..selectors.workflow import information_exchange, reviews_visible_to, reviews_with_ratings
from ..services import panel as panel_services
from ..services.panel import current_decision, quorum_members
from .reviewer import _history as review_history

GET_AND_POST = require_http_methods(["GET", "POST"])

RECORDED_SESSION_KEY = "moderation_recorded_decision"
RECENT_DECISIONS = 20
# The panel has a few dozen applications waiting at most; a longer list says
# "More than 100", its rows up to that read with the page rather than counted.
AT_PANEL_COUNT_LIMIT = 100


def _may_decide(user, application) -> bool:
    return may_transition(application, "decide", user)


def _may_correct(user, application) -> bool:
    return application.state.has_decision and rules.has_perm(
        "moderation.chair_panel", user, application
    )


# --- Applications at panel --------------------------------------------------------------------


@chair_or_staff_required
def panel_list(request):
    page = bounded_page(
        request,
        panel_applications_for(request.user),
        limit=AT_PANEL_COUNT_LIMIT,
        read_ahead=True,
    )
    return render(
        request,
        "moderation/panel/panel_list.html",
        {
            "page": page,
            "at_panel": at_panel_rows(page.object_list),
            "decisions": recent_decisions_for(request.user, RECENT_DECISIONS),
        },
    )


# --- The consolidated matrix ----------------------------------------------------------------


@dataclass
class MatrixRow:
    descriptor: object
    cells: list[str]
    consolidated: str
    disagreement: bool
    met: bool


def _matrix(consolidation) -> list[MatrixRow]:
    return [
        MatrixRow(
            descriptor=line.descriptor,
            cells=[
                rating_label(line.ratings.get(assignment.pk))
                for assignment in consolidation.assignments
            ],
            consolidated=rating_label(line.consolidated),
            disagreement=line.disagreement,
            met=line.met,
        )
        for line in consolidation.lines
    ]


@chair_or_staff_required
def consolidation(request, pk):
    application = application_for_chair(request.user, pk)
    result = consolidation_for(application)
    columns = [(assignment, result.reviews.get(assignment.pk)) for assignment in result.assignments]
    reviews = reviews_with_ratings(
        reviews_visible_to(request.user, application)
        .filter(submitted_at__isnull=False)
        .prefetch_related("revisions")
    )
    for review in reviews:
        for rating in review.ratings.all():
            rating.label = rating_label(rating.rating)
        review.history = review_history(review)
    suggested = result.suggested_outcome
    uncapped = suggest_outcome(result.lines, Level.FULL)
    return render(
        request,
        "moderation/panel/consolidation.html",
        {
            "application": application,
            "consolidation": result,
            "columns": columns,
            "rows": _matrix(result),
            "reviews": reviews,
            "suggested_outcome": suggested,
            "suggested_label": Recommendation(suggested).label,
            "met_count": sum(line.met for line in result.lines),
            "descriptor_count": len(result.lines),
            "capped": uncapped != suggested,
            "rule": rule_facts(len(result.lines)),
            "information_requests": information_exchange(application, answered_only=True),
            "may_decide": _may_decide(request.user, application),
            "decision": (current_decision(application) if application.state.has_decision else None),
        },
    )


# --- Recording the decision -------------------------------------------------------------------


def _quorum_label(meeting: PanelMeeting, application) -> str:
    counted = len(quorum_members(meeting, application))
    needed = settings.PANEL_QUORUM
    state = "quorate" if counted >= needed else "not quorate"
    return (
        f"{meeting} ({meeting.held_on:%-d %B %Y}, chaired by {meeting.chair.user.get_full_name()})"
        f" – {state}: {counted} present without a conflict, {needed} needed"
    )


def _decision_recorded(request, application):
    """The decision as recorded: final, so there is nothing to edit. Right after
    recording (or correcting) it, the page opens with a confirmation."""
    decisions = list(
        application.decisions.select_related("meeting", "recorded_by").order_by("-recorded_at")
    )
    current = next((d for d in decisions if not _is_superseded(d, decisions)), None)
    if current is None:
        raise Http404
    just_recorded = request.session.pop(RECORDED_SESSION_KEY, None) == current.pk
    return render(
        request,
        "moderation/panel/decision.html",
        {
            "application": application,
            "decision": current,
            "feedback": decision_feedback_rows(current),
            "earlier": [d for d in decisions if d.pk != current.pk],
            "just_recorded": just_recorded,
            "may_correct": _may_correct(request.user, application),
            "back_url": reverse("moderation:consolidation", args=[application.pk]),
        },
    )


def _is_superseded(decision, decisions) -> bool:
    return any(other.supersedes_id == decision.pk for other in decisions)


def _decision_initial(decision, descriptors) -> dict:
    """The correction form starts from the decision being corrected."""
    feedback = {row.descriptor_id: row for row in decision.feedback.all()}
    initial = {
        "outcome": decision.outcome,
        "rationale": decision.rationale,
        "departure_reason": decision.departure_reason,
    }
    for descriptor in descriptors:
        row = feedback.get(descriptor.pk)
        initial[f"strengths_{descriptor.pk}"] = row.strengths if row else ""
        initial[f"areas_{descriptor.pk}"] = row.areas_to_develop if row else ""
    return initial


def _record_correction(actor, decision, form):
    """The corrected decision, or None with the service's errors on the form."""
    data = form.cleaned_data
    try:
        return panel_services.correct_decision(
            actor=actor,
            decision=decision,
            outcome=data["outcome"],
            rationale=data["rationale"],
            departure_reason=data["departure_reason"],
            feedback=form.feedback(),
            correction_reason=data["correction_reason"],
        )
    except ValidationError as error:
        apply_errors(form, error)
    except PermissionDenied:
        raise Http404 from None
    return None


@chair_or_staff_required
@GET_AND_POST
def correct_decision(request, pk):
    application = application_for_chair(request.user, pk)
    if not _may_correct(request.user, application):
        raise Http404
    current = current_decision(application)
    if current is None:
        raise Http404
    descriptors = list(application.framework.descriptors.order_by("number"))
    form = DecisionForm(
        posted(request),
        initial=_decision_initial(current, descriptors),
        descriptors=descriptors,
        suggested_outcome=current.suggested_outcome,
        correction=True,
    )
    if request.method == "POST" and form.is_valid():
        correction = _record_correction(request.user, current, form)
        if correction is not None:
            request.session[RECORDED_SESSION_KEY] = correction.pk
            return redirect("moderation:decide", application.pk)
    return render(
        request,
        "moderation/panel/correct.html",
        {
            "application": application,
            "decision": current,
            "form": form,
            "suggested_label": Recommendation(current.suggested_outcome).label,
            "back_url": reverse("moderation:decide", args=[application.pk]),
        },
    )
