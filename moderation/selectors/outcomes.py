"""Decisions month by month: how many of each outcome, and how long from
submission to decision (one query, whatever the number of applications)."""

from dataclasses import dataclass
from datetime import date, datetime, time
from statistics import median

from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models.workflow import Decision, Recommendation
from ..services.awards import add_months

__all__ = ["OUTCOME_ORDER", "MonthOutcomes", "outcomes_by_month"]

OUTCOME_ORDER = [Recommendation.FULL, Recommendation.WORKING_TOWARDS, Recommendation.NOT_AWARDED]


@dataclass(frozen=True)
class MonthOutcomes:
    month: date  # the first of the month
    counts: dict[str, int]  # outcome value -> decisions
    median_days: float | None  # from submission to decision

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count_of(self, outcome: str) -> int:
        return self.counts.get(outcome, 0)

    @property
    def ordered_counts(self) -> list[int]:
        return [self.count_of(outcome) for outcome in OUTCOME_ORDER]


def outcomes_by_month(*, today: date | None = None, months: int = 12) -> list[MonthOutcomes]:
    """The last `months` months, this one included; a corrected decision
    counts once, with its latest outcome."""
    today = today or timezone.localdate()
    first = add_months(today.replace(day=1), -(months - 1))
    later = Decision.objects.filter(supersedes=OuterRef("pk"))
    rows = Decision.objects.filter(
        ~Exists(later),
        application__decided_at__gte=timezone.make_aware(datetime.combine(first, time.min)),
    ).values_list("outcome", "application__submitted_at", "application__decided_at")
    counts: dict[date, dict[str, int]] = {add_months(first, i): {} for i in range(months)}
    days: dict[date, list[int]] = {month: [] for month in counts}
    for outcome, submitted_at, decided_at in rows:
        decided_on = timezone.localdate(decided_at)
        month = decided_on.replace(day=1)
        if month not in counts:
            continue
        counts[month][outcome] = counts[month].get(outcome, 0) + 1
        if submitted_at is not None:
            days[month].append((decided_on - timezone.localdate(submitted_at)).days)
    return [
        MonthOutcomes(month, counts[month], median(days[month]) if days[month] else None)
        for month in counts
    ]
