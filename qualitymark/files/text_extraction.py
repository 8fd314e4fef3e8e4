"""Plain text from uploaded documents, for the anonymisation guard.

``extract_text`` never raises: a damaged, encrypted or unexpected file gives ""
and a log line (without any of the document's content). An empty result means
"could not check", so callers should not treat it as "nothing identifying";
pictures always give "" (there is no text to read in them).

At most ``MAX_TEXT_CHARACTERS`` are read from one file, whatever its size.
"""

from __future__ import annotations

import csv
import io
import logging
import re

from . import office_text
from .office_text import REST_NOT_READ
from .storage import open_private_file

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
MAX_TEXT_CHARACTERS = 5_000_000  # about 2,000 pages; the guard reads that in a few seconds
# Written in place of a page (a scan, a photo) that has no text, or of the text past the
# ceiling, so that a person checks what could not be read.
PAGE_WITHOUT_TEXT = "[Page {number}: no text could be read]"
PAGE_WITHOUT_TEXT_PATTERN = re.compile(
    r"\[(?:Page \d+: no text could be read|The rest of this document was too long to read"
    r"|This document has \d+ picture\(s\): they cannot be read for identifiers)\]"
)
# Kinds the guard reads text from; pictures are read as "no text" (a person must check them).
TEXT_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "csv"})
PICTURE_KINDS = frozenset({"png", "jpeg", "jpg", "gif", "tiff", "bmp", "heic", "webp"})


def extract_text(key_or_file, kind: str) -> str:
    """Text of a stored file (by key) or an open binary file, for the TEXT_KINDS.

    Other kinds return "". Pages and paragraphs are separated by newlines, a table's
    row is one line with its cells joined by " | ".
    """
    extractor = _EXTRACTORS.get((kind or "").lower())
    if extractor is None:
        logger.info("No text extraction for %r files", kind)
        return ""
    label = key_or_file if isinstance(key_or_file, str) else type(key_or_file).__name__
    try:
        if isinstance(key_or_file, str):
            with open_private_file(key_or_file) as handle:
                return _within_ceiling(extractor(handle))
        if hasattr(key_or_file, "seek"):
            key_or_file.seek(0)
        try:
            return _within_ceiling(extractor(key_or_file))
        finally:
            if hasattr(key_or_file, "seek"):
                key_or_file.seek(0)
    except Exception as error:  # noqa: BLE001 - a broken upload must not break the caller
        logger.warning(
            "Could not extract text from %s file %s: %s", kind, label, type(error).__name__
        )
        return ""


def _within_ceiling(text: str) -> str:
    """Text up to the ceiling; past it, a mark that the rest was not read (and so must be
    checked by a person)."""
    if len(text) < MAX_TEXT_CHARACTERS or text.endswith(REST_NOT_READ):
        return text
    return text[:MAX_TEXT_CHARACTERS] + "\n" + REST_NOT_READ


def _reflow(page: str) -> str:
    """Join the lines of a page into running text: a name broken over two lines of a
    narrow column ("Baby\nAmelia", "Ame-\nlia") reads whole again."""
    page = re.sub(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])", "", page)
    return re.sub(r"[ \t]*\n[ \t]*", " ", page).strip()


def _pdf_text(handle) -> str:
    from pypdf import PdfReader

    reader = PdfReader(handle, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted PDF")
    pages, size = [], 0
    for number, page in enumerate(reader.pages, start=1):
        text = _reflow(page.extract_text() or "")
        pages.append(text or PAGE_WITHOUT_TEXT.format(number=number))
        size += len(text)
        if size >= MAX_TEXT_CHARACTERS:
            break
    if not size:
        return ""  # nothing could be read at all
    return "\n".join(pages).strip()[:MAX_TEXT_CHARACTERS]


def _plain_text(handle) -> str:
    data = bytearray()
    while (chunk := handle.read(CHUNK_SIZE)) and len(data) < MAX_TEXT_CHARACTERS:
        data.extend(chunk)
    del data[MAX_TEXT_CHARACTERS:]
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3:  # the ceiling cut a character in two
            return bytes(data[: error.start]).decode("utf-8-sig")
        return bytes(data).decode("cp1252", errors="replace")


def _csv_text(handle) -> str:
    """Each row on a line, its cells joined by " | "."""
    text = _plain_text(handle)
    rows = csv.reader(io.StringIO(text, newline=""))
    return "\n".join(" | ".join(cell.strip() for cell in row) for row in rows)[:MAX_TEXT_CHARACTERS]


def _office(reader):
    return lambda handle: reader(handle, MAX_TEXT_CHARACTERS)


def _no_text(handle) -> str:
    return ""


_EXTRACTORS = {
    "pdf": _pdf_text,
    "docx": _office(office_text.docx_text),
    "xlsx": _office(office_text.xlsx_text),
    "pptx": _office(office_text.pptx_text),
    "odt": _office(office_text.odf_text),
    "ods": _office(office_text.odf_text),
    "odp": _office(office_text.odf_text),
    "txt": lambda handle: _plain_text(handle)[:MAX_TEXT_CHARACTERS],
    "csv": _csv_text,
    **dict.fromkeys(PICTURE_KINDS, _no_text),
}
