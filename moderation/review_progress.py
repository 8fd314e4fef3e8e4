"""How far a moderator's review has got, and how each stage is shown."""

from datetime import date

from django.db import models

from applications.lifecycle import state_of


class ReviewProgress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    DECIDED = "decided", "Decided"  # the panel has decided the application

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour."""
        return _TAGS[self]

    @property
    def is_started(self) -> bool:
        return self is not ReviewProgress.NOT_STARTED

    @property
    def is_finished(self) -> bool:
        return self in (ReviewProgress.SUBMITTED, ReviewProgress.DECIDED)


_TAGS = {
    ReviewProgress.NOT_STARTED: "govuk-tag--grey",
    ReviewProgress.IN_PROGRESS: "govuk-tag--light-blue",
    ReviewProgress.SUBMITTED: "govuk-tag--green",
    ReviewProgress.DECIDED: "govuk-tag--purple",
}


def progress_of(review, *, application=None) -> ReviewProgress:
    """The progress of `review` (None when there is none yet); DECIDED once the
    panel has decided `application`, if given."""
    if application is not None and application.state.has_decision:
        return ReviewProgress.DECIDED
    if review is not None and review.submitted_at is not None:
        return ReviewProgress.SUBMITTED
    if review is not None and review.version > 0:
        return ReviewProgress.IN_PROGRESS
    return ReviewProgress.NOT_STARTED


def review_clock_is_paused(progress: ReviewProgress, application_status: str) -> bool:
    """The agency is answering questions: the review clock has stopped."""
    return not progress.is_finished and state_of(application_status).review_clock_paused


def review_is_overdue(
    progress: ReviewProgress, *, paused: bool, conflicted: bool, due_on: date, today: date
) -> bool:
    return not conflicted and not paused and not progress.is_finished and due_on < today
