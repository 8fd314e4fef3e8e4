"""The moderators' rating scale: one table of rating levels, lowest first.

A review stores a level's key, never its label or its position, so renaming a
level (the RATING_LABELS setting) relabels it everywhere without touching a
stored review. A level's place in the table is its order on the scale, which
consolidation and calibration compare."""

from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.db import models


class Rating(models.TextChoices):
    NOT_YET_EVIDENCED = "not_yet_evidenced", "Not yet evidenced"
    PARTLY_MEETS = "partly_meets", "Partly meets"
    MEETS = "meets", "Meets"
    EXCEEDS = "exceeds", "Exceeds"


@dataclass(frozen=True)
class RatingLevel:
    key: Rating
    order: int
    meets_descriptor: bool

    @property
    def label(self) -> str:
        return settings.RATING_LABELS.get(self.key) or self.key.label


SCALE: tuple[RatingLevel, ...] = (
    RatingLevel(Rating.NOT_YET_EVIDENCED, order=0, meets_descriptor=False),
    RatingLevel(Rating.PARTLY_MEETS, order=1, meets_descriptor=False),
    RatingLevel(Rating.MEETS, order=2, meets_descriptor=True),
    RatingLevel(Rating.EXCEEDS, order=3, meets_descriptor=True),
)
LEVELS = {level.key: level for level in SCALE}
NOT_RATED = "Not rated"


def rating_label(key: str | None, *, unrated: str = NOT_RATED) -> str:
    """The one way to show a stored rating, in pages, PDFs and exports."""
    if key is None or key == "":
        return unrated
    level = LEVELS.get(key)
    return level.label if level else str(key)


def rating_order(key: str | None) -> int | None:
    """The level's step on the scale (0 is the lowest), for comparing ratings."""
    level = LEVELS.get(key) if key is not None else None
    return level.order if level else None


def meets_descriptor(key: str | None) -> bool:
    level = LEVELS.get(key) if key is not None else None
    return bool(level and level.meets_descriptor)


def rating_choices() -> list[tuple[str, str]]:
    """(key, label), highest first, as the review form shows them."""
    return [(level.key, level.label) for level in reversed(SCALE)]


def scale_labels() -> list[str]:
    """The labels, lowest first."""
    return [level.label for level in SCALE]


def lowest_meeting_level() -> RatingLevel:
    return next(level for level in SCALE if level.meets_descriptor)


def lowest_level() -> RatingLevel:
    return SCALE[0]


@checks.register()
def check_rating_labels(app_configs=None, **kwargs) -> list[checks.Error]:
    """A label for a key that is not on the scale is a typo that would
    otherwise be ignored."""
    unknown = sorted(set(settings.RATING_LABELS) - set(LEVELS))
    if not unknown:
        return []
    return [
        checks.Error(
            f"RATING_LABELS names {', '.join(unknown)}, not a rating level.",
            hint=f"Use the keys {', '.join(LEVELS)}.",
            id="moderation.E001",
        )
    ]
