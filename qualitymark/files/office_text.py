"""Text of Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp) files.

Every part a person can read or that travels with the file is read: for Word, the body,
tables, text boxes, headers, footers, footnotes, endnotes, comments and tracked insertions
and deletions; for spreadsheets every cell of every sheet; for presentations every slide
and its notes; and the document properties (title, subject, description, keywords).
Table rows are written as one line with their cells joined by " | ". The XML is read as a
stream, element by element, and reading stops at ``TextSink.limit`` characters, so a huge
or hostile file cannot take unbounded memory.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, timedelta

from defusedxml.ElementTree import iterparse

CELL = " | "
# Written after the text when the ceiling stopped the reading, so a person checks the rest.
REST_NOT_READ = "[The rest of this document was too long to read]"
# Written after the text of a document with pictures in it: a photo can identify a child.
PICTURES_NOT_READ = "[This document has {count} picture(s): they cannot be read for identifiers]"
PICTURE = re.compile(r"(?:word|ppt|xl)/media/[^/]+|Pictures/[^/]+", re.IGNORECASE)
PICTURE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf")


class TextSink:
    """Collects text up to a number of characters, then ignores the rest."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0

    @property
    def full(self) -> bool:
        return self.size >= self.limit

    def add(self, text: str | None) -> None:
        if text and not self.full:
            text = text[: self.limit - self.size]
            self.parts.append(text)
            self.size += len(text)

    def text(self) -> str:
        lines = "".join(self.parts).split("\n")
        lines = [line.strip().removesuffix(CELL.strip()).strip() for line in lines]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        return f"{text}\n{REST_NOT_READ}" if self.full else text


def _pictures(archive: zipfile.ZipFile, sink: TextSink) -> None:
    count = sum(
        1
        for name in archive.namelist()
        if PICTURE.fullmatch(name) and name.lower().endswith(PICTURE_EXTENSIONS)
    )
    if count:
        sink.parts.append("\n" + PICTURES_NOT_READ.format(count=count) + "\n")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _stream(archive: zipfile.ZipFile, name: str, sink: TextSink, on_end, clear=True) -> None:
    """Call on_end(element, local name) for each element of a part. With ``clear``, each
    element with children is emptied once handled (on_end then reads only leaves' text)."""
    with archive.open(name) as handle:
        for _event, element in iterparse(handle, events=("end",)):
            on_end(element, _local(element.tag))
            if sink.full:
                return
            if clear and len(element):
                element.clear()


def _numbered(archive: zipfile.ZipFile, pattern: str) -> list[str]:
    names = [name for name in archive.namelist() if re.fullmatch(pattern, name)]
    return sorted(names, key=lambda name: [int(n) for n in re.findall(r"\d+", name)] or [0])


def _properties(archive: zipfile.ZipFile, sink: TextSink, part: str) -> None:
    wanted = {"title", "subject", "description", "keywords", "keyword", "category"}
    if part not in archive.namelist():
        return

    def on_end(element, name):
        if name in wanted and element.text and element.text.strip():
            sink.add(element.text.strip() + "\n")

    _stream(archive, part, sink, on_end)


# --- Word ---------------------------------------------------------------------------------------


def _word_part(archive: zipfile.ZipFile, part: str, sink: TextSink) -> None:
    def on_end(element, name):
        if name in ("t", "delText") and element.text:
            sink.add(element.text)
        elif name in ("tab", "br", "cr"):
            sink.add(" ")
        elif name == "p":
            sink.add("\n")
        elif name == "tc":
            sink.add(CELL)
        elif name == "tr" or name == "tbl":
            sink.add("\n")

    _stream(archive, part, sink, on_end)
    sink.add("\n")


def docx_text(handle, limit: int) -> str:
    sink = TextSink(limit)
    with zipfile.ZipFile(handle) as archive:
        archive.getinfo("word/document.xml")  # not a Word document: KeyError
        parts = ["word/document.xml"]
        for pattern in (
            r"word/header\d*\.xml",
            r"word/footer\d*\.xml",
            r"word/footnotes\.xml",
            r"word/endnotes\.xml",
            r"word/comments\w*\.xml",
        ):
            parts += _numbered(archive, pattern)
        for part in parts:
            _word_part(archive, part, sink)
        _pictures(archive, sink)
        _properties(archive, sink, "docProps/core.xml")
    return _table_text(sink)


def _table_text(sink: TextSink) -> str:
    """Paragraphs inside a table cell belong to that cell: "Child\\n | Amelia" -> one row."""
    text = "".join(sink.parts)
    text = re.sub(r"\n*" + re.escape(CELL), CELL, text)
    sink.parts = [text]
    return sink.text()


# --- Excel --------------------------------------------------------------------------------------

_BUILT_IN_DATE_FORMATS = frozenset({14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)})
_EXCEL_EPOCH = date(1899, 12, 30)


def _date_styles(archive: zipfile.ZipFile, sink: TextSink) -> set[int]:
    """Indexes of the cell styles that show a number as a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    custom_dates: set[int] = set()
    styles: list[int] = []

    def on_end(element, name):
        if name == "numFmt":
            code = re.sub(r'"[^"]*"|\[[^\]]*\]', "", element.get("formatCode", "")).lower()
            if "d" in code or "y" in code:
                custom_dates.add(int(element.get("numFmtId", "0")))
        elif name == "xf" and element.get("numFmtId") is not None:
            styles.append(int(element.get("numFmtId", "0")))
        elif name == "cellStyleXfs":
            styles.clear()  # only cellXfs (which follows) numbers the cells' styles

    _stream(archive, "xl/styles.xml", sink, on_end)
    dates = _BUILT_IN_DATE_FORMATS | custom_dates
    return {index for index, number_format in enumerate(styles) if number_format in dates}


def _shared_strings(archive: zipfile.ZipFile, sink: TextSink) -> list[str]:
    strings: list[str] = []
    if "xl/sharedStrings.xml" not in archive.namelist():
        return strings
    pieces: list[str] = []

    def on_end(element, name):
        if name == "t" and element.text:
            pieces.append(element.text)
        elif name == "si":
            strings.append("".join(pieces))
            pieces.clear()

    _stream(archive, "xl/sharedStrings.xml", sink, on_end)
    return strings


def _cell_value(element, strings: list[str], date_styles: set[int]) -> str:
    kind = element.get("t")
    value = next((child.text for child in element if _local(child.tag) == "v"), None)
    if kind == "inlineStr":
        return "".join(t.text or "" for t in element.iter() if _local(t.tag) == "t")
    if value is None:
        return ""
    if kind == "s":
        index = int(value)
        return strings[index] if 0 <= index < len(strings) else ""
    if kind in (None, "n") and int(element.get("s", "0")) in date_styles:
        try:
            return (_EXCEL_EPOCH + timedelta(days=float(value))).strftime("%d/%m/%Y")
        except (ValueError, OverflowError):
            return value
    return value


def xlsx_text(handle, limit: int) -> str:
    sink = TextSink(limit)
    with zipfile.ZipFile(handle) as archive:
        archive.getinfo("xl/workbook.xml")
        strings = _shared_strings(archive, sink)
        date_styles = _date_styles(archive, sink)
        row: list[str] = []

        def on_end(element, name):
            if name == "c":
                row.append(_cell_value(element, strings, date_styles))
                element.clear()
            elif name == "row":
                sink.add(CELL.join(row).strip(" |") + "\n")
                row.clear()
                element.clear()

        for part in _numbered(archive, r"xl/worksheets/sheet\d+\.xml"):
            _stream(archive, part, sink, on_end, clear=False)
            sink.add("\n")
        _pictures(archive, sink)
        _properties(archive, sink, "docProps/core.xml")
    return sink.text()


# --- PowerPoint ---------------------------------------------------------------------------------


def pptx_text(handle, limit: int) -> str:
    sink = TextSink(limit)

    def on_end(element, name):
        if name == "t" and element.text:
            sink.add(element.text)
        elif name == "p":
            sink.add("\n")
        elif name == "tc":
            sink.add(CELL)
        elif name == "tr":
            sink.add("\n")

    with zipfile.ZipFile(handle) as archive:
        archive.getinfo("ppt/presentation.xml")
        parts = _numbered(archive, r"ppt/slides/slide\d+\.xml")
        parts += _numbered(archive, r"ppt/notesSlides/notesSlide\d+\.xml")
        parts += _numbered(archive, r"ppt/comments/\w+\d*\.xml")
        for part in parts:
            _stream(archive, part, sink, on_end)
            sink.add("\n")
        _pictures(archive, sink)
        _properties(archive, sink, "docProps/core.xml")
    return _table_text(sink)


# --- OpenDocument -------------------------------------------------------------------------------


def odf_text(handle, limit: int) -> str:
    sink = TextSink(limit)

    def on_end(element, name):
        if name in ("p", "h"):
            sink.add("".join(element.itertext()) + "\n")
            element.clear()
        elif name == "table-cell":
            sink.add(CELL)
        elif name == "table-row":
            sink.add("\n")
            element.clear()

    with zipfile.ZipFile(handle) as archive:
        archive.getinfo("content.xml")
        for part in ("content.xml", "styles.xml"):
            if part in archive.namelist():
                _stream(archive, part, sink, on_end, clear=False)
                sink.add("\n")
        _pictures(archive, sink)
        _properties(archive, sink, "meta.xml")
    return _table_text(sink)
