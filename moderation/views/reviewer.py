"""The moderator's pages (/moderation/): the review queue, the conflict
declaration, the reading layout with the review form, amendments, others'
reviews and their CSV export, evidence downloads and information requests.

Independence: every review shown or exported here comes from
`selectors.reviews_visible_to`, so a moderator sees another moderator's
review only after submitting their own, whatever other roles they hold.

Before a moderator has answered the conflict declaration, every page about
the application sends them to the declaration; once they declare a conflict
the application is not there for them (404)."""

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from applications.middleware import pop_rescued_draft
from applications.sections import FEE
from applications.selectors import application_overview, descriptors_for
from applications.services import record_download
from qualitymark.audit.services import record_event
from qualitymark.core.forms import apply_errors, posted
from qualitymark.core.permissions import moderator_required
from qualitymark.files.storage import file_response
from qualitymark.users.roles import roles_of

from .. import rules, selectors, services
from ..conflicts import related_agencies
from ..consolidation import rating_label
from ..forms import (
    AmendReviewForm,
    DeclarationForm,
    QueueFilterForm,
    ReviewerQuestionsForm,
    ReviewForm,
)
from ..forms.review_locking import expected_version, show_conflict
from ..models import Assignment, Recommendation, Review
from ..services.reviews import EDITABLE_STATUSES, ReviewEditConflict

GET_AND_POST = require_http_methods(["GET", "POST"])


def reviewer_page(view):
    """A page about one application for its assigned moderator: 404 unless
    they are assigned and not conflicted; sent to the declaration first if
    they have not answered it. The view gets the assignment (with its
    application) instead of the pk."""

    @moderator_required
    @wraps(view)
    def guarded(request, pk, *args, **kwargs):
        assignment = selectors.assignment_for_reviewer(request.user, pk)
        if not assignment.has_declared:
            return redirect("moderation:declare", pk)
        if assignment.declared_conflict:
            raise Http404
        return view(request, assignment, *args, **kwargs)

    return guarded


# --- Reading helpers ------------------------------------------------------------------------


def _own_review(user, assignment: Assignment) -> Review | None:
    """The person's own review, read through the independence rule like any other."""
    reviews = selectors.reviews_with_ratings(
        selectors.reviews_visible_to(user, assignment.application).filter(assignment=assignment)
    )
    return _labelled(reviews)[0] if reviews else None


def _labelled(reviews: list[Review]) -> list[Review]:
    """Give each rating its label on the configured scale."""
    for review in reviews:
        for rating in review.ratings.all():
            rating.label = rating_label(rating.rating)
    return reviews


def _review_state(review: Review | None) -> str:
    if review is not None and review.is_submitted:
        return "submitted"
    if review is not None and review.version > 0:
        return "in_progress"
    return "not_started"


def _submitted(assignment: Assignment) -> bool:
    review = getattr(assignment, "review", None)
    return review is not None and review.is_submitted


def _is_editable(assignment: Assignment, review: Review | None) -> bool:
    return assignment.application.status in EDITABLE_STATUSES and not (
        review is not None and review.is_submitted
    )


def _can_amend(assignment: Assignment, review: Review | None) -> bool:
    return (
        review is not None
        and review.is_submitted
        and assignment.application.status in EDITABLE_STATUSES
    )


def _can_ask(user, application) -> bool:
    # The lifecycle only allows a new request while the application is in
    # review: one request is open at a time.
    return application.status == "in_review" and rules.can_request_information(user, application)


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
    return list(reversed(settings.RATING_LABELS))


def _render_reading(request, assignment, *, form=None, review=None, status=200):
    """The reading layout: the application section by section, each
    descriptor beside its part of the review form."""
    application = assignment.application
    editable = _is_editable(assignment, review)
    overview = application_overview(application)
    if form is None and editable:
        descriptors = [row.section.descriptor for row in overview.rows if row.section.descriptor]
        form = ReviewForm(descriptors=descriptors, review=review)
    exchange = selectors.information_exchange(application)
    return render(
        request,
        "moderation/review/application.html",
        {
            "application": application,
            "assignment": assignment,
            "review": review,
            "review_state": _review_state(review),
            "form": form,
            "editable": editable,
            "can_amend": _can_amend(assignment, review),
            "can_ask": _can_ask(request.user, application),
            "rows": _reading_rows(overview, form, review, exchange),
            "exchange": exchange,
            "rating_scale": _rating_scale(),
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


# --- The queue ------------------------------------------------------------------------------

QUEUE_COLUMNS = {
    # column: (the sort a click chooses, the sort a second click chooses)
    "agency": ("agency", "agency"),
    "due": ("due", "-due"),
    "assigned": ("assigned", "assigned"),
}


def _queue_headers(sort: str, status: str) -> dict[str, dict]:
    """Links for the sortable column headers, keeping the status filter."""
    headers = {}
    for column, (first, second) in QUEUE_COLUMNS.items():
        current = sort in (first, second)
        target = second if sort == first else first
        if not current:
            aria = "none"
        elif sort == "-due" or sort == "assigned":
            aria = "descending"  # "assigned" lists the newest first
        else:
            aria = "ascending"
        query = {"sort": target, **({"status": status} if status else {})}
        headers[column] = {"url": f"?{urlencode(query)}", "aria_sort": aria, "current": current}
    return headers


@moderator_required
@require_GET
def queue(request):
    form = QueueFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    sort = request.GET.get("sort", "due")
    if sort not in selectors.QUEUE_SORTS:
        sort = "due"
    items = selectors.moderator_queue(request.user, sort=sort, status=status)
    return render(
        request,
        "moderation/queue.html",
        {
            "items": items,
            "filter_form": form,
            "status": status,
            "sort": sort,
            "headers": _queue_headers(sort, status),
            "is_chair": roles_of(request.user).panel_chair,
        },
    )


# --- The conflict declaration ---------------------------------------------------------------


@moderator_required
@GET_AND_POST
def declare_conflict(request, pk):
    """Before any content: the agency's name and type, and one question."""
    assignment = selectors.assignment_for_reviewer(request.user, pk)
    if assignment.has_declared:
        return redirect("moderation:application", pk)
    application = assignment.application
    form = DeclarationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(
                actor=request.user,
                assignment=assignment,
                has_conflict=form.cleaned_data["has_conflict"],
                details=form.cleaned_data.get("details", ""),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if form.cleaned_data["has_conflict"]:
                return render(
                    request,
                    "moderation/review/conflict_declared.html",
                    {"agency": application.agency},
                )
            messages.success(request, "Thank you. You can now read the application.")
            return redirect("moderation:application", pk)
    agency = application.agency
    partners = sorted(
        (other for other in related_agencies(agency) if other.pk != agency.pk),
        key=lambda other: other.name,
    )
    return render(
        request,
        "moderation/review/declare.html",
        {"form": form, "agency": agency, "partners": partners, "assignment": assignment},
    )


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
    editable = _is_editable(assignment, own)
    if not editable:
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

    descriptors = descriptors_for(application)
    form = ReviewForm(posted(request), descriptors=descriptors, review=own)
    if request.method == "GET" and (rescued := pop_rescued_draft(request)) is not None:
        form = ReviewForm(initial=rescued, descriptors=descriptors, review=own)
        messages.info(request, "You were signed out before your review was saved. We kept "
                      "what you typed: check it and save.")
    from_reading = request.POST.get("layout") == "reading"
    if request.method == "POST" and form.is_valid():
        submitting = request.POST.get("action") == "submit"
        if not submitting or form.check_complete():
            draft = services.review_for(assignment)
            values = {**form.review_values(), "expected_version": expected_version(form)}
            try:
                if submitting:
                    services.submit_review(actor=request.user, review=draft, **values)
                else:
                    services.save_review_draft(actor=request.user, review=draft, **values)
            except ValidationError as error:
                if isinstance(error, ReviewEditConflict):
                    show_conflict(form, error.review)
                apply_errors(form, error)
            else:
                if submitting:  # the review page confirms it
                    return redirect("moderation:review", application.pk)
                messages.success(request, "Your draft review has been saved.")
                target = "moderation:application" if from_reading else "moderation:review"
                return redirect(target, application.pk)
    if from_reading:
        return _render_reading(request, assignment, form=form, review=own)
    return render(
        request,
        "moderation/review/review.html",
        {
            "application": application,
            "assignment": assignment,
            "review": own,
            "review_state": _review_state(own),
            "form": form,
            "rating_scale": _rating_scale(),
        },
    )


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
    if request.method == "POST" and form.is_valid() and form.check_complete():
        try:
            services.amend_review(
                actor=request.user,
                review=own,
                reason=form.cleaned_data["reason"],
                **form.review_values(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your amended review has been saved.")
            return redirect("moderation:review", application.pk)
    return render(
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


# --- Others' reviews ------------------------------------------------------------------------


@reviewer_page
@require_GET
def other_reviews(request, assignment):
    application = assignment.application
    visible = _labelled(
        selectors.reviews_with_ratings(selectors.reviews_visible_to(request.user, application))
    )
    own = next((item for item in visible if item.assignment_id == assignment.pk), None)
    others = [item for item in visible if item.assignment_id != assignment.pk]
    own_submitted = own is not None and own.is_submitted
    # Who is still to submit: shown only once the person's own review is in.
    waiting = []
    if own_submitted:
        waiting = [
            other
            for other in selectors.active_assignments(application)
            if other.pk != assignment.pk and not _submitted(other)
        ]
    descriptors = descriptors_for(application) if others else []
    columns = ([own] if own is not None else []) + others
    matrix = [
        (
            descriptor,
            [
                next(
                    (
                        rating
                        for rating in item.ratings.all()
                        if rating.descriptor_id == descriptor.pk
                    ),
                    None,
                )
                for item in columns
            ],
        )
        for descriptor in descriptors
    ]
    return render(
        request,
        "moderation/review/reviews.html",
        {
            "application": application,
            "assignment": assignment,
            "own": own,
            "own_submitted": own_submitted,
            "others": others,
            "columns": columns,
            "matrix": matrix,
            "waiting": waiting,
        },
    )


CSV_COLUMNS = [
    "moderator",
    "role",
    "submitted_at",
    "recommendation",
    "descriptor",
    "rating",
    "strengths",
    "areas_to_develop",
    "summary",
]


def _csv_cell(value) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@reviewer_page
@require_GET
def reviews_export(request, assignment):
    """The reviews this person may see, one row per descriptor rating."""
    application = assignment.application
    visible = selectors.reviews_with_ratings(
        selectors.reviews_visible_to(request.user, application)
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"reviews-{application.reference or application.pk}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # so spreadsheet programs read it as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for item in visible:
        moderator = item.assignment.moderator.user
        for rating in item.ratings.all():
            writer.writerow(
                [
                    _csv_cell(value)
                    for value in (
                        moderator.get_full_name() or moderator.email,
                        item.assignment.get_role_display(),
                        item.submitted_at.isoformat() if item.submitted_at else "",
                        item.get_recommendation_display() if item.recommendation else "",
                        rating.descriptor.code,
                        rating_label(rating.rating) if rating.rating is not None else "",
                        rating.strengths,
                        rating.areas_to_develop,
                        item.summary,
                    )
                ]
            )
    record_event(
        actor=request.user,
        action="reviews.exported",
        target=application,
        changes={"reviews": [item.pk for item in visible]},
    )
    return response


# --- Files and information requests ---------------------------------------------------------


@moderator_required
@require_GET
def evidence_download(request, pk, file_pk):
    """An evidence file as an attachment, for an assigned moderator who has
    declared no conflict. Every download is audited."""
    evidence = selectors.evidence_for_reviewer(request.user, pk, file_pk)
    response = file_response(
        evidence.storage_key,
        download_name=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    record_download(actor=request.user, evidence=evidence)
    return response


@reviewer_page
@GET_AND_POST
def request_information(request, assignment):
    application = assignment.application
    back_url = reverse("moderation:application", args=[application.pk])
    if not _can_ask(request.user, application):
        return render(
            request,
            "moderation/review/information_unavailable.html",
            {
                "application": application,
                "open_request": selectors.open_information_request(application),
                "back_url": back_url,
            },
        )
    form = ReviewerQuestionsForm(posted(request), descriptors=descriptors_for(application))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_information(
                actor=request.user,
                application=application,
                questions=form.questions,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your questions have been sent to the agency.")
            return redirect(f"{back_url}#information-requests")
    return render(
        request,
        "moderation/review/request_information.html",
        {"application": application, "form": form, "back_url": back_url},
    )
