"""Independent reviews: the moderator's conflict declaration, drafting,
submitting and amending a review, and moving the application to panel when
the last review arrives."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from applications import lifecycle
from applications.models.submissions import Application
from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm
from qualitymark.notifications.services import notify

from ..access import forget_access
from ..models.workflow import Assignment, DescriptorRating, Recommendation, Review, ReviewRevision
from ..ratings import Rating


@transaction.atomic
def declare_conflict(
    *, actor, assignment: Assignment, has_conflict: bool, details: str = ""
) -> Assignment:
    """The moderator's declaration, made before any content is shown. A
    declared conflict stops them opening the application; staff are told so
    they can reassign it."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("moderator__user", "application")
        .get(pk=assignment.pk)
    )
    require_perm(actor, "moderation.write_review", assignment, message="This is not your review.")
    if assignment.declared_at is not None:
        return assignment
    if has_conflict and not details.strip():
        raise ValidationError({"details": "Describe the conflict of interest"})
    assignment.declared_at = timezone.now()
    assignment.declared_conflict = has_conflict
    assignment.declaration_details = details.strip()
    assignment.save(update_fields=["declared_at", "declared_conflict", "declaration_details"])
    record_event(
        actor=actor,
        action="assignment.conflict_declared"
        if has_conflict
        else "assignment.no_conflict_declared",
        target=assignment.application,
        changes={"details": details.strip()} if has_conflict else {},
    )
    if has_conflict:
        notify(
            template="conflict_declared",
            to=[settings.CORAM_STAFF_INBOX],
            context={"assignment": assignment, "application": assignment.application},
        )
    forget_access(actor)
    return assignment


def review_for(assignment: Assignment) -> Review:
    """The assignment's review, with a rating row for every descriptor."""
    review, _ = Review.objects.get_or_create(assignment=assignment)
    descriptors = assignment.application.framework.descriptors.all()
    existing = set(review.ratings.values_list("descriptor_id", flat=True))
    DescriptorRating.objects.bulk_create(
        [
            DescriptorRating(review=review, descriptor=descriptor)
            for descriptor in descriptors
            if descriptor.pk not in existing
        ]
    )
    return review


def _apply(review: Review, *, ratings: dict, recommendation: str, summary: str) -> None:
    """ratings: {descriptor_id: {"rating": key|None, "strengths": str, "areas_to_develop": str}}"""
    for rating in review.ratings.select_for_update():
        values = ratings.get(rating.descriptor_id)
        if values is None:
            continue
        value = values.get("rating")
        if value is not None and value not in Rating.values:
            raise ValidationError(f"{value} is not a rating on the scale.")
        rating.rating = value
        rating.strengths = (values.get("strengths") or "").strip()
        rating.areas_to_develop = (values.get("areas_to_develop") or "").strip()
        rating.save(update_fields=["rating", "strengths", "areas_to_develop"])
    if recommendation and recommendation not in Recommendation.values:
        raise ValidationError("Choose a recommendation from the list.")
    review.recommendation = recommendation or ""
    review.summary = (summary or "").strip()


def missing_for_submission(review: Review) -> list[str]:
    problems = [
        f"Rate {rating.descriptor.code}"
        for rating in review.ratings.select_related("descriptor")
        if rating.rating is None
    ]
    if not review.recommendation:
        problems.append("Choose your overall recommendation")
    if not review.summary.strip():
        problems.append("Write a summary for the panel")
    return problems


def snapshot(review: Review) -> dict:
    return {
        "recommendation": review.recommendation,
        "summary": review.summary,
        "ratings": [
            {
                "descriptor": rating.descriptor.code,
                "rating": rating.rating,
                "strengths": rating.strengths,
                "areas_to_develop": rating.areas_to_develop,
            }
            for rating in review.ratings.select_related("descriptor").order_by("descriptor__number")
        ],
    }


def _locked_application(actor, review: Review) -> Application:
    """The review's application, locked, once the rule lets `actor` change the review."""
    assignment = review.assignment
    assignment.application = Application.objects.select_for_update().get(
        pk=assignment.application_id
    )
    require_perm(
        actor,
        "moderation.change_review",
        assignment,
        message="You can change only your own review, after declaring any conflict of "
        "interest and before the panel opens.",
    )
    return assignment.application


class ReviewEditConflict(ValidationError):
    """The review was saved (in another tab) after the form was loaded."""

    def __init__(self, review: Review):
        self.review = review
        super().__init__(
            "Your review was saved in another tab or window after you opened this page. "
            "Nothing has been lost: your version is in the form and the saved version is "
            "shown beside it. Save again to keep yours."
        )


def _check_version(review: Review, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != review.version:
        raise ReviewEditConflict(review)


@transaction.atomic
def save_review_draft(
    *,
    actor,
    review: Review,
    ratings: dict,
    recommendation: str,
    summary: str,
    expected_version: int | None = None,
):
    review = (
        Review.objects.select_for_update().select_related("assignment__moderator").get(pk=review.pk)
    )
    _locked_application(actor, review)
    _check_version(review, expected_version)
    if review.is_submitted:
        raise ValidationError("This review has been submitted: amend it instead.")
    _apply(review, ratings=ratings, recommendation=recommendation, summary=summary)
    review.version = F("version") + 1
    review.save(update_fields=["recommendation", "summary", "version", "updated_at"])
    review.refresh_from_db()
    record_event(
        actor=actor,
        action="review.draft_saved",
        target=review.assignment.application,
        changes={"review": review.pk, "version": review.version},
    )
    return review


@transaction.atomic
def submit_review(
    *,
    actor,
    review: Review,
    ratings: dict,
    recommendation: str,
    summary: str,
    expected_version: int | None = None,
):
    review = (
        Review.objects.select_for_update().select_related("assignment__moderator").get(pk=review.pk)
    )
    application = _locked_application(actor, review)
    if review.is_submitted:
        raise ValidationError("This review has already been submitted.")
    _check_version(review, expected_version)
    _apply(review, ratings=ratings, recommendation=recommendation, summary=summary)
    review.save(update_fields=["recommendation", "summary", "updated_at"])
    problems = missing_for_submission(review)
    if problems:
        raise ValidationError(problems)
    review.submitted_at = timezone.now()
    review.version = F("version") + 1
    review.save(update_fields=["submitted_at", "version", "updated_at"])
    review.refresh_from_db()
    ReviewRevision.objects.create(
        review=review, number=1, snapshot=snapshot(review), created_by=actor
    )
    record_event(
        actor=actor,
        action="review.submitted",
        target=application,
        changes={"recommendation": review.recommendation},
    )
    open_panel_if_all_reviews_in(application)
    return review


@transaction.atomic
def amend_review(
    *, actor, review: Review, ratings: dict, recommendation: str, summary: str, reason: str
) -> Review:
    """Change a submitted review before the panel opens. The earlier version
    stays on record as a revision."""
    review = (
        Review.objects.select_for_update().select_related("assignment__moderator").get(pk=review.pk)
    )
    application = _locked_application(actor, review)
    if not review.is_submitted:
        raise ValidationError("Submit the review before amending it.")
    if not reason.strip():
        raise ValidationError({"reason": "Say what you changed and why"})
    _apply(review, ratings=ratings, recommendation=recommendation, summary=summary)
    review.save(update_fields=["recommendation", "summary", "updated_at"])
    problems = missing_for_submission(review)
    if problems:
        raise ValidationError(problems)
    number = review.revisions.count() + 1
    ReviewRevision.objects.create(
        review=review,
        number=number,
        snapshot=snapshot(review),
        reason=reason.strip(),
        created_by=actor,
    )
    Review.objects.filter(pk=review.pk).update(version=F("version") + 1)
    record_event(
        actor=actor,
        action="review.amended",
        target=application,
        changes={"revision": number, "reason": reason.strip()},
    )
    review.refresh_from_db()
    return review


@transaction.atomic
def open_panel_if_all_reviews_in(application: Application, *, actor=lifecycle.SYSTEM) -> bool:
    """Move the application to panel when every active assignment has a
    submitted review (and there are at least the minimum number). The service
    does it when the last review arrives; staff may ask for it by hand."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != lifecycle.Status.IN_REVIEW:
        return False
    assignments = Assignment.objects.filter(application=application, removed_at__isnull=True)
    total = assignments.count()
    submitted = assignments.filter(review__submitted_at__isnull=False).count()
    if total < settings.MIN_MODERATORS_PER_APPLICATION or submitted < total:
        return False
    lifecycle.transition(application, "open_panel", actor=actor)
    return True
