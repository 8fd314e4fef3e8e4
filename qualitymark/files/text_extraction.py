"""Plain text from uploaded documents, for the anonymisation guard.

``extract_text`` never raises: a damaged, encrypted or unexpected file gives ""
and a log line (without any of the document's content). An empty result means
"could not check", so callers should not treat it as "nothing identifying".
"""

from __future__ import annotations

import logging

from .storage import open_private_file

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024


def extract_text(key_or_file, kind: str) -> str:
    """Text of a stored file (by key) or an open binary file, for kinds pdf, docx, txt, csv.

    Other kinds return "" (they are not searched). Pages, paragraphs and table
    cells are separated by newlines.
    """
    extractor = _EXTRACTORS.get((kind or "").lower())
    if extractor is None:
        logger.info("No text extraction for %r files", kind)
        return ""
    label = key_or_file if isinstance(key_or_file, str) else type(key_or_file).__name__
    try:
        if isinstance(key_or_file, str):
            with open_private_file(key_or_file) as handle:
                return extractor(handle)
        if hasattr(key_or_file, "seek"):
            key_or_file.seek(0)
        try:
            return extractor(key_or_file)
        finally:
            if hasattr(key_or_file, "seek"):
                key_or_file.seek(0)
    except Exception as error:  # noqa: BLE001 - a broken upload must not break the caller
        logger.warning(
            "Could not extract text from %s file %s: %s", kind, label, type(error).__name__
        )
        return ""


def _pdf_text(handle) -> str:
    from pypdf import PdfReader

    reader = PdfReader(handle, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted PDF")
    return "\n".join((page.extract_text() or "").strip() for page in reader.pages).strip()


def _docx_text(handle) -> str:
    from docx import Document
    from docx.table import Table

    document = Document(handle)
    lines: list[str] = []
    seen_cells: set = set()  # lxml elements; merged cells repeat the same one

    def add_blocks(blocks) -> None:
        for block in blocks:
            if isinstance(block, Table):
                add_table(block)
            elif block.text.strip():
                lines.append(block.text)

    def add_table(table) -> None:
        for row in table.rows:
            for cell in row.cells:
                if cell._tc in seen_cells:
                    continue
                seen_cells.add(cell._tc)
                add_blocks(cell.iter_inner_content())

    add_blocks(document.iter_inner_content())
    for section in document.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                add_blocks(part.iter_inner_content())
    return "\n".join(lines)


def _plain_text(handle) -> str:
    data = bytearray()
    while chunk := handle.read(CHUNK_SIZE):
        data.extend(chunk)
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        return bytes(data).decode("cp1252", errors="replace")


_EXTRACTORS = {
    "pdf": _pdf_text,
    "docx": _docx_text,
    "txt": _plain_text,
    "csv": _plain_text,
}
