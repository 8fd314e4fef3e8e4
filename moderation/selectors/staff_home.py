"""Everything on Coram staff's home page, worked out in one go and kept
(qualitymark/core/freshness.py): after a write, the figures from before it are
served while a worker works them out afresh."""

from datetime import date

from qualitymark.core import freshness

from .. import charts
from ..models.workflow import Recommendation
from .dashboard import scheme_counts, staff_dashboard
from .outcomes import OUTCOME_ORDER, outcomes_by_month

NAME = "staff-dashboard"


def _outcome_chart(months) -> charts.Chart:
    return charts.stacked_bars(
        [
            (f"{row.month:%b}", [row.count_of(outcome) for outcome in OUTCOME_ORDER])
            for row in months
        ],
        [Recommendation(outcome).label for outcome in OUTCOME_ORDER],
    )


def _time_chart(months) -> charts.Chart:
    return charts.stacked_bars(
        [(f"{row.month:%b}", [row.median_days or 0]) for row in months],
        ["Median days from submission to decision"],
    )


def home_figures(today: date) -> dict:
    months = outcomes_by_month()
    return {
        "dashboard": staff_dashboard(today=today),
        "months": months,
        "outcomes": [Recommendation(outcome) for outcome in OUTCOME_ORDER],
        "outcome_chart": _outcome_chart(months),
        "time_chart": _time_chart(months),
        **scheme_counts(),
    }


def staff_home(today: date) -> freshness.Kept:
    from ..tasks import refresh_staff_home

    return freshness.latest(
        NAME, lambda: home_figures(today), vary=(today,), refresh=refresh_staff_home
    )


def work_out_staff_home(today: date) -> freshness.Kept:
    return freshness.work_out(NAME, lambda: home_figures(today), vary=(today,))
