"""Coram staff's home page: what is late, what expires, what is unpaid, and
the decisions month by month. Each figure links to the list behind it."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qualitymark.core.freshness import until_next_write
from qualitymark.core.permissions import staff_required

from .. import charts
from ..models.workflow import Recommendation
from ..selectors.dashboard import scheme_counts, staff_dashboard
from ..selectors.outcomes import OUTCOME_ORDER, outcomes_by_month


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


def _figures(today) -> dict:
    months = outcomes_by_month()
    return {
        "dashboard": staff_dashboard(today=today),
        "months": months,
        "outcomes": [Recommendation(outcome) for outcome in OUTCOME_ORDER],
        "outcome_chart": _outcome_chart(months),
        "time_chart": _time_chart(months),
        **scheme_counts(),
    }


@staff_required
@require_GET
def dashboard(request):
    today = timezone.localdate()
    figures = until_next_write("staff-dashboard", lambda: _figures(today), vary=(today,))
    return render(request, "moderation/staff/dashboard.html", figures)
