"""Coram staff reading the reviews, opening the panel, asking for information, files."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from applications.lifecycle import Status, TransitionNotAllowed
from applications.selectors.submissions import evidence_for
from applications.views.evidence import evidence_response
from qualitymark.core.forms import ConfirmForm, posted, submit_form
from qualitymark.core.permissions import staff_required

from ..access import active_assignment_for
from ..forms.staff import InformationRequestForm
from ..models.workflow import Recommendation, ReviewRevision
from ..ratings import rating_label
from ..review_progress import ReviewProgress, progress_of
from ..selectors.workflow import reviews_visible_to, reviews_with_ratings
from ..services import information as information_services
from ..services.reviews import open_panel_if_all_reviews_in
from .staff import (
    GET_AND_POST,
    _application,
    _application_url,
    _assignment_rows,
    _page,
    _review_state,
)

INFORMATION_DUE_DAYS = 14


# --- Reviews and the panel ----------------------------------------------------------------------


def _recommendation_label(value) -> str:
    return Recommendation(value).label if value in Recommendation.values else ""


@dataclass(frozen=True)
class RevisionView:
    revision: ReviewRevision
    recommendation: str
    ratings: list[dict]


def _revision_view(revision: ReviewRevision) -> RevisionView:
    return RevisionView(
        revision,
        _recommendation_label(revision.snapshot.get("recommendation")),
        [
            {**item, "label": rating_label(item.get("rating"))}
            for item in revision.snapshot.get("ratings", [])
        ],
    )


def _review_items(visible) -> list[dict]:
    """Each review with its ratings labelled and its revisions."""
    items = []
    for review in reviews_with_ratings(visible):
        for rating in review.ratings.all():
            rating.label = rating_label(rating.rating)
        revisions = [_revision_view(revision) for revision in review.revisions.all()]
        items.append({"review": review, "state": progress_of(review), "revisions": revisions})
    return items


@staff_required
@require_GET
def reviews(request, pk):
    application = _application(request, pk)
    visible = reviews_visible_to(request.user, application).prefetch_related(
        "revisions__created_by"
    )
    items = _review_items(visible)
    assignments_without_review = [
        row
        for row in _assignment_rows(application)
        if getattr(row.assignment, "review", None) is None
    ]
    # Staff who are also moderators on this application are bound by
    # independence like any moderator: reviews_visible_to shows them only
    # their own review until they submit it.
    own = active_assignment_for(request.user, application)
    return _page(
        request,
        application,
        "reviews.html",
        items=items,
        not_started=assignments_without_review,
        bound_by_own_review=own is not None and _review_state(own) != ReviewProgress.SUBMITTED,
    )


def _open_panel(application):
    with transaction.atomic():
        opened = open_panel_if_all_reviews_in(application)
    if not opened:
        raise ValidationError(
            "Every moderator must submit their review before the application goes to panel"
        )


@staff_required
@GET_AND_POST
def open_panel(request, pk):
    application = _application(request, pk)
    if application.status != Status.IN_REVIEW:
        messages.info(
            request,
            f"Application {application.reference} is "
            f"{application.get_status_display().lower()}: only an application in review can "
            "move to panel.",
        )
        return redirect(_application_url(application))
    form = ConfirmForm(posted(request))
    done = submit_form(
        request,
        form,
        lambda: _open_panel(application),
        success=f"Application {application.reference} is now ready for the panel.",
        then=_application_url(application),
    )
    if done:
        return done
    rows = _assignment_rows(application)
    submitted = sum(row.status == ReviewProgress.SUBMITTED for row in rows)
    minimum = settings.MIN_MODERATORS_PER_APPLICATION
    return _page(
        request,
        application,
        "open_panel.html",
        form=form,
        assignment_rows=rows,
        ready=len(rows) >= minimum and submitted == len(rows),
        submitted=submitted,
        min_moderators=minimum,
    )


# --- Information requests and files -------------------------------------------------------------


def _questions_sent(application, information_request, questions) -> str:
    return (
        f"Your question{'s have' if len(questions) != 1 else ' has'} been sent to "
        f"{application.agency.name}. They have until "
        f"{information_request.due_on:%-d %B %Y} to answer."
    )


@staff_required
@GET_AND_POST
def request_information(request, pk):
    application = _application(request, pk)
    if application.status != Status.IN_REVIEW:
        return _page(request, application, "information_request.html", form=None)
    descriptors = list(application.framework.descriptors.order_by("number"))
    form = InformationRequestForm(
        posted(request),
        descriptors=descriptors,
        initial={"due_on": timezone.localdate() + timedelta(days=INFORMATION_DUE_DAYS)},
    )
    done = submit_form(
        request,
        form,
        lambda: information_services.request_information(
            actor=request.user,
            application=application,
            questions=form.cleaned_data["questions"],
            due_on=form.cleaned_data["due_on"],
        ),
        success=lambda sent: _questions_sent(application, sent, form.cleaned_data["questions"]),
        then=_application_url(application),
        refusals=TransitionNotAllowed,
    )
    return done or _page(request, application, "information_request.html", form=form)


@staff_required
@require_GET
def evidence_download(request, pk, file_pk):
    """Any current, checked file of the application, as an attachment. Every
    download is recorded in the audit trail."""
    application = _application(request, pk)
    return evidence_response(request, evidence_for(application, file_pk))
