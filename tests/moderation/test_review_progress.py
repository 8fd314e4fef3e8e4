"""A review's progress is a choice with its own label and tag, rendered as the
hand-written tags were."""

import pytest
from django.template import Context, Template

from applications.lifecycle import Status
from applications.models.submissions import Application
from moderation.models.workflow import Review
from moderation.review_progress import ReviewProgress, progress_of

TAGS = {
    ReviewProgress.NOT_STARTED: '<strong class="govuk-tag govuk-tag--grey">Not started</strong>',
    ReviewProgress.IN_PROGRESS: (
        '<strong class="govuk-tag govuk-tag--light-blue">In progress</strong>'
    ),
    ReviewProgress.SUBMITTED: '<strong class="govuk-tag govuk-tag--green">Submitted</strong>',
    ReviewProgress.DECIDED: '<strong class="govuk-tag govuk-tag--purple">Decided</strong>',
}


@pytest.mark.parametrize("progress", list(ReviewProgress))
def test_the_tag_renders_as_before(progress):
    html = Template("{{ state|govuk_tag }}").render(Context({"state": progress}))
    assert html.strip() == TAGS[progress]


def test_progress_follows_the_review_and_the_decision():
    in_review = Application(status=Status.IN_REVIEW)
    assert progress_of(None, application=in_review) == ReviewProgress.NOT_STARTED
    assert progress_of(Review(version=0)) == ReviewProgress.NOT_STARTED
    assert progress_of(Review(version=2)) == ReviewProgress.IN_PROGRESS
    submitted = Review(version=3, submitted_at="2026-01-01T00:00Z")
    assert progress_of(submitted, application=in_review) == ReviewProgress.SUBMITTED
    decided = Application(status=Status.DECIDED)
    assert progress_of(submitted, application=decided) == ReviewProgress.DECIDED
    assert not ReviewProgress.NOT_STARTED.is_started
    assert ReviewProgress.IN_PROGRESS.is_started and not ReviewProgress.IN_PROGRESS.is_finished
    assert ReviewProgress.SUBMITTED.is_finished and ReviewProgress.DECIDED.is_finished
