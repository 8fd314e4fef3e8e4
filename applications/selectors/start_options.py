"""Which kinds of application an agency may start, and why not the others:
a renewal needs a current award or one that expired recently; an upgrade needs
a live Working Towards award."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone

from qualitymark.core.dates import add_months

from ..award_facts import HeldAward, latest_award_of
from ..models.submissions import ApplicationKind, Level


@dataclass(frozen=True)
class StartOptions:
    award: HeldAward | None
    refusals: dict[str, str] = field(default_factory=dict)

    def allows(self, kind: str) -> bool:
        return kind in ApplicationKind.values and kind not in self.refusals

    @property
    def allowed_choices(self) -> list[tuple[str, str]]:
        return [(kind, label) for kind, label in ApplicationKind.choices if self.allows(kind)]

    @property
    def refused(self) -> list[tuple[str, str]]:
        return [(ApplicationKind(kind).label, reason) for kind, reason in self.refusals.items()]


def renewal_window_months() -> int:
    return settings.QUALITYMARK.get("RENEWAL_WINDOW_MONTHS", 12)


def _renewal_refusal(award: HeldAward | None, today: date) -> str | None:
    if award is None:
        return "Your agency has not held a Quality Mark award, so there is nothing to renew."
    if award.is_withdrawn:
        return f"Your award {award.number} was withdrawn, so it cannot be renewed."
    if award.is_suspended:
        return (
            f"Your award {award.number} is suspended. You can apply to renew it once "
            "Coram reinstate it."
        )
    months = renewal_window_months()
    if award.expires_on < today and add_months(award.expires_on, months) < today:
        return (
            f"Your award {award.number} expired on {award.expires_on:%-d %B %Y}, more than "
            f"{months} months ago, so your agency makes a new application."
        )
    return None


def _upgrade_refusal(award: HeldAward | None, today: date) -> str | None:
    if award is None or award.is_withdrawn:
        return "Only an agency that holds a Working Towards award can apply to upgrade to Full."
    if award.level == Level.FULL:
        return f"Your agency already holds the Full award ({award.number}): apply to renew it."
    if award.is_suspended:
        return f"Your award {award.number} is suspended, so it cannot be upgraded."
    if not award.is_live or award.expires_on < today:
        return (
            f"Your Working Towards award {award.number} expired on "
            f"{award.expires_on:%-d %B %Y}: apply to renew it instead."
        )
    return None


def start_options(agency, today: date | None = None) -> StartOptions:
    today = today or timezone.localdate()
    award = latest_award_of(agency)
    refusals = {
        ApplicationKind.RENEWAL.value: _renewal_refusal(award, today),
        ApplicationKind.UPGRADE.value: _upgrade_refusal(award, today),
    }
    return StartOptions(
        award=award, refusals={kind: reason for kind, reason in refusals.items() if reason}
    )
