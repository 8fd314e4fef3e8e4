"""The one guard against formula injection, for every CSV and workbook the service
writes, and the downloads that open in spreadsheet programs: CSV streamed row by row and
XLSX written in openpyxl's write-only mode, both formula-safe (a text cell
that a spreadsheet would run as a formula starts with an apostrophe)."""

import csv
import tempfile
from collections.abc import Iterable
from datetime import date, datetime

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    """Text a spreadsheet would read as a formula gets a leading apostrophe;
    numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def spreadsheet_cell(value) -> str:
    """The value as CSV text that a spreadsheet program will not run as a formula."""
    return formula_safe("" if value is None else str(value))


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return formula_safe(value) if isinstance(value, str) else value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """Stream the rows as they are read, so a large export never sits in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)  # the BOM: spreadsheets read UTF-8
        for row in rows:
            yield writer.writerow([_plain(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return _as_download(response, filename)


def _xlsx_cell(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return formula_safe(value)


def xlsx_response(filename: str, sheet: str, header: list[str], rows: Iterable[list]):
    """A workbook written row by row to a temporary file, then sent from it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(worksheet, value=title)
        cell.font = bold
        cells.append(cell)
    worksheet.append(cells)
    for row in rows:
        worksheet.append([_xlsx_cell(value) for value in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(
        handle,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _as_download(response, filename)


def _as_download(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
