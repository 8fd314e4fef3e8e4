"""What a moderator reads beside their own review: the other moderators' reviews
(after submitting their own), their CSV export, files and information requests."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from applications.selectors.submissions import descriptors_for
from applications.views.evidence import evidence_response
from qualitymark.audit.services import record_event
from qualitymark.core.forms import posted, submit_form
from qualitymark.core.permissions import moderator_required
from qualitymark.core.spreadsheets import spreadsheet_cell

from ..forms.reviews import ReviewerQuestionsForm
from ..ratings import rating_label
from ..selectors.workflow import (
    active_assignments,
    evidence_for_reviewer,
    open_information_request,
    reviews_visible_to,
    reviews_with_ratings,
)
from ..services import information as information_services
from .reviewer import GET_AND_POST, _can_ask, _labelled, _submitted, reviewer_page

# --- Others' reviews ------------------------------------------------------------------------


def _matrix(descriptors, columns) -> list[tuple]:
    """(descriptor, [each review's rating of it, or None]) for each descriptor."""
    return [
        (
            descriptor,
            [
                next((r for r in item.ratings.all() if r.descriptor_id == descriptor.pk), None)
                for item in columns
            ],
        )
        for descriptor in descriptors
    ]


@reviewer_page
@require_GET
def other_reviews(request, assignment):
    application = assignment.application
    visible = _labelled(reviews_with_ratings(reviews_visible_to(request.user, application)))
    own = next((item for item in visible if item.assignment_id == assignment.pk), None)
    others = [item for item in visible if item.assignment_id != assignment.pk]
    own_submitted = own is not None and own.is_submitted
    # Who is still to submit: shown only once the person's own review is in.
    waiting = []
    if own_submitted:
        waiting = [
            other
            for other in active_assignments(application)
            if other.pk != assignment.pk and not _submitted(other)
        ]
    descriptors = descriptors_for(application) if others else []
    columns = ([own] if own is not None else []) + others
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
            "matrix": _matrix(descriptors, columns),
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


@reviewer_page
@require_GET
def reviews_export(request, assignment):
    """The reviews this person may see, one row per descriptor rating."""
    application = assignment.application
    visible = reviews_with_ratings(reviews_visible_to(request.user, application))
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
                    spreadsheet_cell(value)
                    for value in (
                        moderator.get_full_name() or moderator.email,
                        item.assignment.get_role_display(),
                        item.submitted_at.isoformat() if item.submitted_at else "",
                        item.get_recommendation_display() if item.recommendation else "",
                        rating.descriptor.code,
                        rating_label(rating.rating, unrated=""),
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
    return evidence_response(request, evidence_for_reviewer(request.user, pk, file_pk))


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
                "open_request": open_information_request(application),
                "back_url": back_url,
            },
        )
    form = ReviewerQuestionsForm(posted(request), descriptors=descriptors_for(application))
    if done := submit_form(
        request,
        form,
        lambda: information_services.request_information(
            actor=request.user,
            application=application,
            questions=form.questions,
            due_on=form.cleaned_data["due_on"],
        ),
        success="Your questions have been sent to the agency.",
        then=f"{back_url}#information-requests",
    ):
        return done
    return render(
        request,
        "moderation/review/request_information.html",
        {"application": application, "form": form, "back_url": back_url},
    )
