"""The kinds of evidence file the portal accepts, and what their content looks like."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 8 * 1024


class UploadRejected(Exception):
    """The upload cannot be accepted; ``reason`` is a sentence to show the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FileType:
    kind: str
    label: str
    extensions: tuple[str, ...]
    mime_type: str
    # Leading bytes that the content must start with (any of them). Empty for text.
    signatures: tuple[bytes, ...] = ()
    # Office Open XML: a zip member that must be present.
    zip_member: str | None = None
    # OpenDocument: the exact content of the zip's "mimetype" member.
    odf_mimetype: str | None = None

    @property
    def is_text(self) -> bool:
        return not self.signatures


ZIP_SIGNATURE = b"PK\x03\x04"

ALLOWED_TYPES: dict[str, FileType] = {
    t.kind: t
    for t in (
        FileType("pdf", "a PDF document", ("pdf",), "application/pdf", (b"%PDF-",)),
        FileType(
            "docx",
            "a Word document",
            ("docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (ZIP_SIGNATURE,),
            zip_member="word/document.xml",
        ),
        FileType(
            "xlsx",
            "an Excel spreadsheet",
            ("xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (ZIP_SIGNATURE,),
            zip_member="xl/workbook.xml",
        ),
        FileType(
            "pptx",
            "a PowerPoint presentation",
            ("pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (ZIP_SIGNATURE,),
            zip_member="ppt/presentation.xml",
        ),
        FileType(
            "odt",
            "an OpenDocument text document",
            ("odt",),
            "application/vnd.oasis.opendocument.text",
            (ZIP_SIGNATURE,),
            odf_mimetype="application/vnd.oasis.opendocument.text",
        ),
        FileType(
            "ods",
            "an OpenDocument spreadsheet",
            ("ods",),
            "application/vnd.oasis.opendocument.spreadsheet",
            (ZIP_SIGNATURE,),
            odf_mimetype="application/vnd.oasis.opendocument.spreadsheet",
        ),
        FileType("png", "a PNG image", ("png",), "image/png", (b"\x89PNG\r\n\x1a\n",)),
        FileType("jpeg", "a JPEG image", ("jpg", "jpeg"), "image/jpeg", (b"\xff\xd8\xff",)),
        FileType("txt", "a plain text file", ("txt",), "text/plain"),
        FileType("csv", "a CSV file", ("csv",), "text/csv"),
    )
}

KIND_BY_EXTENSION: dict[str, str] = {
    extension: t.kind for t in ALLOWED_TYPES.values() for extension in t.extensions
}

# Windows PE, ELF, scripts with a shebang, Mach-O (and Java class files).
EXECUTABLE_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Control bytes that never belong in a text file (tab, LF, VT, FF and CR are fine).
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")


@dataclass(frozen=True)
class ValidatedUpload:
    kind: str
    extension: str
    safe_name: str
    size: int
    # For txt/csv: "utf-8", "utf-8-sig" or "cp1252"; None for other kinds.
    encoding: str | None = None

    @property
    def mime_type(self) -> str:
        return ALLOWED_TYPES[self.kind].mime_type


def allowed_extensions() -> list[str]:
    return [extension for t in ALLOWED_TYPES.values() for extension in t.extensions]


def describe_size(num_bytes: int) -> str:
    """20971520 -> "20 MB"; 1536 -> "1.5 KB"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if num_bytes >= factor:
            value = num_bytes / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{num_bytes} bytes"
