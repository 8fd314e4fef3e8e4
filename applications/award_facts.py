"""What the applicant side needs to know about an agency's awards and the
outcome of its last application. Awards live in moderation, which imports this
app, not the other way: moderation registers the readers from its
AppConfig.ready and the applicant side asks through these functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .models.submissions import ApplicationKind


@dataclass(frozen=True)
class HeldAward:
    """An agency's latest award, as far as starting a new application goes."""

    pk: int
    number: str
    level: str
    level_label: str
    application_id: int
    expires_on: date
    is_live: bool
    is_suspended: bool
    is_withdrawn: bool


@dataclass(frozen=True)
class PlannedActionFact:
    area: str
    description: str
    owner: str
    target_on: date
    progress_label: str
    progress_note: str


@dataclass(frozen=True)
class PreviousOutcome:
    """The panel's decision on an earlier application, its feedback and the
    action plan the agency kept since, shown beside "What has changed"."""

    reference: str
    outcome_label: str
    feedback: str
    areas_to_develop: list[tuple[str, str]] = field(default_factory=list)
    actions: list[PlannedActionFact] = field(default_factory=list)
    plan_state_label: str = ""
    progress_summary: str = ""
    acknowledgement: str = ""


_readers: dict[str, Callable] = {}


def register_award_readers(
    *,
    latest_award: Callable[[object], HeldAward | None],
    previous_outcome: Callable[[int], PreviousOutcome | None],
) -> None:
    _readers["latest_award"] = latest_award
    _readers["previous_outcome"] = previous_outcome


def latest_award_of(agency) -> HeldAward | None:
    """The agency's live award, or else its latest one (not replaced), or None."""
    reader = _readers.get("latest_award")
    return reader(agency) if reader else None


def previous_outcome_of(application_id: int | None) -> PreviousOutcome | None:
    reader = _readers.get("previous_outcome")
    if reader is None or application_id is None:
        return None
    return reader(application_id)


def previous_outcome_for(application) -> PreviousOutcome | None:
    """For a renewal or upgrade: the outcome of the application it follows (or,
    when nothing was copied, of the one the agency's latest award came from)."""
    if application.kind == ApplicationKind.NEW:
        return None
    earlier = application.previous_application_id
    if earlier is None and (award := latest_award_of(application.agency)) is not None:
        earlier = award.application_id
    return previous_outcome_of(earlier)
