"""Optimistic locking of a moderator's review (two tabs, two windows).

The review form carries the version of the review it was loaded from. If the
review has been saved since, the service refuses (ReviewEditConflict) and the
page shows the saved text beside what was posted, with the posted text still
in the form and the version moved on, so saving again is a deliberate choice
and nothing either tab typed is lost."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from ..models.workflow import Recommendation
from ..ratings import rating_label


@dataclass
class ConflictRow:
    label: str
    theirs: str
    mine: str

    @property
    def differs(self) -> bool:
        return (self.theirs or "").strip() != (self.mine or "").strip()


def add_version_field(form, review) -> None:
    form.fields["version"] = forms.IntegerField(
        required=False,
        min_value=0,
        widget=forms.HiddenInput,
        initial=review.version if review is not None else 0,
    )


def expected_version(form) -> int | None:
    return form.cleaned_data.get("version")


def show_conflict(form, review) -> None:
    """Put the saved review beside the posted one; the next save overwrites."""
    form.data = form.data.copy()
    form.data["version"] = review.version
    saved = {rating.descriptor_id: rating for rating in review.ratings.all()}
    posted = form.ratings()
    rows = []
    for descriptor in form.descriptors:
        theirs, mine = saved.get(descriptor.pk), posted.get(descriptor.pk, {})
        saved_rating = rating_label(getattr(theirs, "rating", None), unrated="")
        rows += [
            ConflictRow(
                f"{descriptor.code}: rating",
                saved_rating,
                rating_label(mine.get("rating"), unrated=""),
            ),
            ConflictRow(
                f"{descriptor.code}: strengths",
                getattr(theirs, "strengths", ""),
                mine.get("strengths", ""),
            ),
            ConflictRow(
                f"{descriptor.code}: areas to develop",
                getattr(theirs, "areas_to_develop", ""),
                mine.get("areas_to_develop", ""),
            ),
        ]
    labels = dict(Recommendation.choices)
    rows += [
        ConflictRow(
            "Overall recommendation",
            labels.get(review.recommendation, ""),
            labels.get(form.cleaned_data.get("recommendation") or "", ""),
        ),
        ConflictRow("Summary", review.summary, form.cleaned_data.get("summary") or ""),
    ]
    form.conflict_rows = [row for row in rows if row.differs]
    form.conflict_review = review
