"""The moderator's pages (/moderation/): the review queue, the conflict
declaration, the reading layout with the review form, amendments, others'
reviews and their CSV export, evidence downloads and information requests.

Independence: every review shown or exported here comes from
`selectors.reviews_visible_to`, so a moderator sees another moderator's
review only after submitting their own, whatever other roles they hold.

Before a moderator has answered the conflict declaration, every page about
the application sends them to the declaration; once they declare a conflict
the application is not there for them (404)."""

from collections import defaultdict
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from applications import lifecycle
from applications.award_facts import previous_outcome_for
from applications.middleware import pop_rescued_draft
from applications.sections import FEE
from applications.selectors.submissions import application_overview, descriptors_for
from qualitymark.core.forms import apply_errors, posted, submit_form
from qualitymark.core.permissions import moderator_required

from ..forms.review_locking import expected_version, show_conflict
from ..forms.reviews import AmendReviewForm, ReviewForm
from ..models.workflow import Assignment, Recommendation, Review
from ..ratings import rating_choices, rating_label
from ..review_progress import progress_of
from ..selectors.action_plans import plan_award_for
from ..selectors.workflow import (
    assignment_for_reviewer,
    information_exchange,
    reviews_visible_to,
    reviews_with_ratings,
)
from ..services import reviews as reviews_services
from ..services.reviews import (
    ReviewEditConflict,
    review_for,
    save_review_draft,
    submit_review,
)

GET_AND_POST = require_http_methods(["GET", "POST"])


def reviewer_page(view):
    """A page about one application for its assigned moderator: 404 unless
    they are assigned and not conflicted; sent to the declaration first if
    they have not answered it. The view gets the assignment (with its
    application) instead of the pk."""

    @moderator_required
    @wraps(view)
    def guarded(request, pk, *args, **kwargs):
        assignment = assignment_for_reviewer(request.user, pk)
        if not assignment.has_declared:
            return redirect("moderation:declare", pk)
        if assignment.declared_conflict:
            raise Http404
        return view(request, assignment, *args, **kwargs)

    return guarded


# --- Reading helpers ------------------------------------------------------------------------


def _own_review(user, assignment: Assignment) -> Review | None:
    """The person's own review, read through the independence rule like any other."""
    reviews = reviews_with_ratings(
        reviews_visible_to(user, assignment.application).filter(assignment=assignment)
    )
    return _labelled(reviews)[0] if reviews else None


def _labelled(reviews: list[Review]) -> list[Review]:
    """Give each rating its label on the configured scale."""
    for review in reviews:
        for rating in review.ratings.all():
            rating.label = rating_label(rating.rating)
    return reviews


def _submitted(assignment: Assignment) -> bool:
    review = getattr(assignment, "review", None)
    return review is not None and review.is_submitted


def _is_editable(assignment: Assignment, review: Review | None) -> bool:
    return assignment.application.state.moderators_may_review and not (
        review is not None and review.is_submitted
    )


def _can_amend(assignment: Assignment, review: Review | None) -> bool:
    return (
        review is not None
        and review.is_submitted
        and assignment.application.state.moderators_may_review
    )


def _can_ask(user, application) -> bool:
    return lifecycle.may_transition(application, "request_information", user)


@dataclass
class ReadingRow:
    """One section of the application beside its part of the review."""

    row: object  # applications.selectors.SectionRow
    block: object = None  # forms.DescriptorBlock while the review is editable
    saved: object = None  # the saved DescriptorRating once submitted
    questions: tuple = ()  # information questions about this descriptor
    items: tuple = ()  # (question, answer) pairs for the sections that are not descriptors

    @property
    def descriptor(self):
        return self.row.section.descriptor

    @property
    def narrative(self) -> str:
        return self.row.data.get("narrative", "")


def _reading_rows(overview, form, review, exchange) -> list[ReadingRow]:
    blocks = form.blocks_by_descriptor if form is not None else {}
    saved = {rating.descriptor_id: rating for rating in review.ratings.all()} if review else {}
    questions = defaultdict(list)
    for request, _files in exchange:
        for question in request.questions.all():
            if question.descriptor_id:
                questions[question.descriptor_id].append(question)
    rows = []
    for row in overview.rows:
        if row.key == FEE:
            continue
        descriptor = row.section.descriptor
        if descriptor is None:
            rows.append(ReadingRow(row, items=tuple(row.summary(overview.application))))
            continue
        rows.append(
            ReadingRow(
                row,
                block=blocks.get(descriptor.pk),
                saved=None if form is not None else saved.get(descriptor.pk),
                questions=tuple(questions.get(descriptor.pk, ())),
            )
        )
    return rows


def _rating_scale() -> list[str]:
    return [label for _, label in rating_choices()]


def _render_reading(request, assignment, *, form=None, review=None, status=200):
    """The reading layout: the application section by section, each
    descriptor beside its part of the review form."""
    application = assignment.application
    editable = _is_editable(assignment, review)
    overview = application_overview(application)
    if form is None and editable:
        descriptors = [row.section.descriptor for row in overview.rows if row.section.descriptor]
        form = ReviewForm(descriptors=descriptors, review=review)
    exchange = information_exchange(application)
    return render(
        request,
        "moderation/review/application.html",
        {
            "application": application,
            "assignment": assignment,
            "review": review,
            "review_state": progress_of(review),
            "form": form,
            "editable": editable,
            "can_amend": _can_amend(assignment, review),
            "can_ask": _can_ask(request.user, application),
            "rows": _reading_rows(overview, form, review, exchange),
            "exchange": exchange,
            "rating_scale": _rating_scale(),
            "previous_outcome": previous_outcome_for(application),
            "plan_award": plan_award_for(request.user, application),
        },
        status=status,
    )


def _recommendation_label(value: str) -> str:
    return Recommendation(value).label if value in Recommendation.values else "Not chosen"


def _history(review: Review | None) -> list[dict]:
    """Each submitted version of the review, newest first, with what changed."""
    if review is None:
        return []
    entries = []
    previous = None
    for revision in sorted(review.revisions.all(), key=lambda revision: revision.number):
        snapshot = revision.snapshot or {}
        ratings = snapshot.get("ratings", [])
        entries.append(
            {
                "revision": revision,
                "recommendation": _recommendation_label(snapshot.get("recommendation", "")),
                "summary": snapshot.get("summary", ""),
                "ratings": [
                    {**rating, "label": rating_label(rating.get("rating"))} for rating in ratings
                ],
                "changes": _changes(previous, snapshot) if previous is not None else [],
            }
        )
        previous = snapshot
    return list(reversed(entries))


def _changes(before: dict, after: dict) -> list[str]:
    changes = []
    earlier = {rating["descriptor"]: rating for rating in before.get("ratings", [])}
    for rating in after.get("ratings", []):
        code = rating["descriptor"]
        old = earlier.get(code, {})
        if old.get("rating") != rating.get("rating"):
            changes.append(
                f"{code} rating: {rating_label(old.get('rating'))} to "
                f"{rating_label(rating.get('rating'))}"
            )
        if old.get("strengths", "") != rating.get("strengths", ""):
            changes.append(f"{code} strengths reworded")
        if old.get("areas_to_develop", "") != rating.get("areas_to_develop", ""):
            changes.append(f"{code} areas to develop reworded")
    if before.get("recommendation") != after.get("recommendation"):
        changes.append(
            f"Recommendation: {_recommendation_label(before.get('recommendation', ''))} to "
            f"{_recommendation_label(after.get('recommendation', ''))}"
        )
    if before.get("summary", "") != after.get("summary", ""):
        changes.append("Summary reworded")
    return changes


# --- Reading and reviewing ------------------------------------------------------------------


@reviewer_page
@require_GET
def application(request, assignment):
    return _render_reading(request, assignment, review=_own_review(request.user, assignment))


@reviewer_page
@GET_AND_POST
def review(request, assignment):
    """GET: the review form on its own (or, once submitted, the review as
    sent). POST: "Save draft" or "Submit review", from this page or from the
    reading layout (the `layout` field says which, so errors show where the
    moderator was working)."""
    application = assignment.application
    own = _own_review(request.user, assignment)
    if not _is_editable(assignment, own):
        return _review_as_sent(request, assignment, own)
    form = _review_form(request, assignment, own)
    from_reading = request.POST.get("layout") == "reading"
    posted_valid = request.method == "POST" and form.is_valid()
    if posted_valid and (done := _save_or_submit(request, assignment, form, reading=from_reading)):
        return done
    if from_reading:
        return _render_reading(request, assignment, form=form, review=own)
    return render(
        request,
        "moderation/review/review.html",
        {
            "application": application,
            "assignment": assignment,
            "review": own,
            "review_state": progress_of(own),
            "form": form,
            "rating_scale": _rating_scale(),
        },
    )


def _review_as_sent(request, assignment, own):
    """A review that can no longer be changed here: shown as sent."""
    application = assignment.application
    if request.method == "POST":
        messages.info(request, "This review can no longer be changed here.")
        return redirect("moderation:review", application.pk)
    return render(
        request,
        "moderation/review/submitted.html",
        {
            "application": application,
            "assignment": assignment,
            "review": own,
            "can_amend": _can_amend(assignment, own),
            "history": _history(own),
        },
    )


def _review_form(request, assignment, own) -> ReviewForm:
    """The posted form, or a draft rescued when the moderator was signed out."""
    descriptors = descriptors_for(assignment.application)
    form = ReviewForm(posted(request), descriptors=descriptors, review=own)
    if request.method == "GET" and (rescued := pop_rescued_draft(request)) is not None:
        form = ReviewForm(initial=rescued, descriptors=descriptors, review=own)
        messages.info(
            request,
            "You were signed out before your review was saved. We kept "
            "what you typed: check it and save.",
        )
    return form


def _save_or_submit(request, assignment, form, *, reading: bool):
    """Save the draft or submit the review; the redirect once done, else None
    (the form then carries the errors)."""
    application = assignment.application
    submitting = request.POST.get("action") == "submit"
    if submitting and not form.check_complete():
        return None
    draft = review_for(assignment)
    values = {**form.review_values(), "expected_version": expected_version(form)}
    try:
        if submitting:
            submit_review(actor=request.user, review=draft, **values)
        else:
            save_review_draft(actor=request.user, review=draft, **values)
    except ValidationError as error:
        if isinstance(error, ReviewEditConflict):
            show_conflict(form, error.review)
        apply_errors(form, error)
        return None
    if submitting:  # the review page confirms it
        return redirect("moderation:review", application.pk)
    messages.success(request, "Your draft review has been saved.")
    target = "moderation:application" if reading else "moderation:review"
    return redirect(target, application.pk)


@reviewer_page
@GET_AND_POST
def amend_review(request, assignment):
    """Change a submitted review before the panel opens, saying why. Every
    version is kept and shown."""
    application = assignment.application
    own = _own_review(request.user, assignment)
    if not _can_amend(assignment, own):
        if own is None or not own.is_submitted:
            messages.info(request, "Submit your review first. You can amend it afterwards.")
        else:
            messages.info(request, "The panel has opened, so reviews can no longer be amended.")
        return redirect("moderation:review", application.pk)
    form = AmendReviewForm(posted(request), descriptors=descriptors_for(application), review=own)
    if request.method == "POST" and form.is_valid():
        form.check_complete()  # what is missing is shown beside it, and the form is invalid
    done = submit_form(
        request,
        form,
        lambda: reviews_services.amend_review(
            actor=request.user,
            review=own,
            reason=form.cleaned_data["reason"],
            **form.review_values(),
        ),
        success="Your amended review has been saved.",
        then=reverse("moderation:review", args=[application.pk]),
    )
    return done or render(
        request,
        "moderation/review/amend.html",
        {
            "application": application,
            "assignment": assignment,
            "review": own,
            "form": form,
            "history": _history(own),
            "rating_scale": _rating_scale(),
        },
    )
