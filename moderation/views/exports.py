"""Coram staff's downloads: CSV (streamed) or XLSX of applications, reviews
and ratings, decisions, awards and fees. Every download is audited."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qualitymark.audit.services import record_event
from qualitymark.core.permissions import staff_required
from qualitymark.core.spreadsheets import csv_response, xlsx_response

from ..exports import EXPORTS
from ..selectors.dashboard import APPLICATION_FLAGS, AWARD_EXPIRY_FILTERS

FILTERS = ("status", "flag", "query", "published", "expiry")


def _filters(request) -> dict[str, str]:
    return {name: request.GET[name] for name in FILTERS if request.GET.get(name)}


@staff_required
@require_GET
def export_list(request):
    return render(
        request,
        "moderation/staff/exports.html",
        {
            "exports": EXPORTS.values(),
            "filters": _filters(request),
            "querystring": request.GET.urlencode(),
            "flags": APPLICATION_FLAGS,
            "expiries": AWARD_EXPIRY_FILTERS,
        },
    )


@staff_required
@require_GET
def export_download(request, name, file_format):
    export = EXPORTS.get(name)
    if export is None or file_format not in ("csv", "xlsx"):
        raise Http404
    filters = _filters(request)
    record_event(
        actor=request.user,
        action="export.downloaded",
        changes={"export": name, "format": file_format, "filters": filters},
    )
    filename = f"epqm-{name}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    rows = export.rows(request.user, filters)
    if file_format == "csv":
        return csv_response(filename, export.header, rows)
    return xlsx_response(filename, export.title, export.header, rows)
