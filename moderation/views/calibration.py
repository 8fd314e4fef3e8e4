"""Coram staff's calibration page: do moderators judge alike?"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from qualitymark.core.permissions import staff_required

from ..forms.calibration import CalibrationScopeForm
from ..ratings import scale_labels
from ..selectors.calibration import calibration_report


@staff_required
@require_GET
def calibration(request):
    form = CalibrationScopeForm(request.GET or None)
    report = calibration_report(**form.scope())
    return render(
        request,
        "moderation/staff/calibration.html",
        {
            "form": form,
            "scope": form.describe(),
            "scale": scale_labels(),
            "report": report,
            "severity_rows": [(report.moderators[row.moderator], row) for row in report.severities],
            "pair_rows": [
                (report.moderators[pair.first], report.moderators[pair.second], pair)
                for pair in report.pairs
            ],
        },
    )
