"""Coram staff's downloads: CSV (streamed) or XLSX of applications, reviews
and ratings, decisions, awards and fees. Every download is audited."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qualitymark.audit.services import record_event
from qualitymark.core.permissions import staff_required
from qualitymark.core.spreadsheets import csv_response, xlsx_response

from ..exports import EXPORTS
from ..forms.awards import StaffAwardFilterForm
from ..forms.staff import ApplicationFilterForm
from ..selectors.dashboard import APPLICATION_FLAGS, AWARD_EXPIRY_FILTERS

FILTERS = ("status", "flag", "query", "published", "expiry")
# The lists whose download link brings their filters here (?list=), each with its filter form.
SOURCES = {
    "applications": ("staff:application_list", "the applications list", ApplicationFilterForm),
    "awards": ("staff:award_list", "the awards list", StaffAwardFilterForm),
}
AWARD_ONLY = {"query", "published", "expiry"}


def _filters(request) -> dict[str, str]:
    """The filters asked for, less any its list would refuse (the list ignores those too)."""
    filters = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    form = SOURCES[_source(request, filters)][2](filters)
    form.is_valid()
    return {name: value for name, value in filters.items() if name not in form.errors}


def _source(request, filters) -> str:
    """Which list the filters came from: as its link says, or as only it has them."""
    named = request.GET.get("list", "")
    if named in SOURCES:
        return named
    return "awards" if AWARD_ONLY & set(filters) else "applications"


def _described(source: str, filters: dict[str, str]) -> list[tuple[str, str]]:
    """Each filter as its list shows it: ("Status", "In review")."""
    form = SOURCES[source][2]()
    described = []
    for name, value in filters.items():
        if name == "flag":
            described.append(("Showing", APPLICATION_FLAGS.get(value, value)))
        elif name == "expiry":
            described.append(("Expiry", AWARD_EXPIRY_FILTERS.get(value, value)))
        elif name in form.fields:
            field = form.fields[name]
            labels = dict(getattr(field, "choices", []))
            shown = str(labels.get(value, value)).split(" (")[0]
            described.append((str(field.label), shown))
    return described


def _applies(export, source: str) -> bool:
    return export.list_name == SOURCES[source][0]


@staff_required
@require_GET
def export_list(request):
    filters = _filters(request)
    source = _source(request, filters)
    query = urlencode({**filters, "list": source}) if filters else ""
    return render(
        request,
        "moderation/staff/exports.html",
        {
            "exports": [
                (export, query if _applies(export, source) else "") for export in EXPORTS.values()
            ],
            "filters": _described(source, filters) if filters else [],
            "source": SOURCES[source][1],
        },
    )


@staff_required
@require_GET
def export_download(request, name, file_format):
    export = EXPORTS.get(name)
    if export is None or file_format not in ("csv", "xlsx"):
        raise Http404
    filters = _filters(request)
    if not _applies(export, _source(request, filters)):
        filters = {}  # another list's filters: everything, as the downloads page says
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
