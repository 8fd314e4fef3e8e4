"""Checks on PDF uploads with pikepdf (qpdf): page and object counts, active
content (JavaScript, launch actions, embedded files) and another format hidden
before the header or after the last ``%%EOF``.

``inspect_pdf`` runs inside ``ceilings.run_within_ceilings``, so a PDF built to
exhaust qpdf stops the child process, not the worker. It returns a sentence to
show the person, or None when the PDF may be accepted.
"""

from __future__ import annotations

import io
import re
import zipfile

import filetype
from django.conf import settings

from .ceilings import CeilingExceeded, run_within_ceilings
from .file_types import UploadRejected

# Action types that run something, and the keys that carry script or files.
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"})
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia"})
_MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|\?xml|object|embed)\b", re.I)
_TAIL_ALLOWANCE = 64
# A zip's directory ends within 64 KB (+22 bytes) of the end of the file.
TAIL_BYTES = 70_000
MAX_DIRECT_DEPTH = 50  # whitespace, NULs or a stray line some writers leave after %%EOF


def check_pdf(uploaded_file) -> None:
    """Refuse a PDF over a limit, with active content, or with another format attached."""
    problem = _hidden_format(uploaded_file)
    if problem is None:
        try:
            problem = run_within_ceilings(
                "qualitymark.files.pdf_checks:inspect_pdf",
                uploaded_file,
                settings.UPLOAD_MAX_PDF_PAGES,
                settings.UPLOAD_MAX_PDF_OBJECTS,
            )
        except CeilingExceeded:
            problem = (
                "The PDF took more memory or time to open than any real document needs, "
                "so it cannot be uploaded. Print it to a new PDF and try again."
            )
    if problem:
        raise UploadRejected(problem)


def _hidden_format(uploaded_file) -> str | None:
    uploaded_file.seek(0)
    head = uploaded_file.read(1024)
    uploaded_file.seek(max(uploaded_file.size - TAIL_BYTES, 0))
    tail = uploaded_file.read(TAIL_BYTES)
    uploaded_file.seek(0)
    before = head[: head.find(b"%PDF-")].strip(b" \t\r\n\x00")
    end = tail.rfind(b"%%EOF")
    after = tail[end + 5 :].strip(b" \t\r\n\x00") if end >= 0 else tail
    extra = (
        "The PDF has {where} it that is not part of the document (for example a web page "
        "or an archive). Print it to a new PDF and try again."
    )
    if before:
        return extra.format(where="something before the start of")
    if len(after) > _TAIL_ALLOWANCE or (after and _looks_like_another_format(after)):
        return extra.format(where="something added after the end of")
    if _is_also_a_zip(uploaded_file, tail):
        return extra.format(where="an archive hidden in")
    return None


def _looks_like_another_format(data: bytes) -> bool:
    return bool(_MARKUP.search(data[:4096]) or filetype.guess(data[:8192]) or b"PK\x03\x04" in data)


def _is_also_a_zip(uploaded_file, tail: bytes) -> bool:
    if b"PK\x05\x06" not in tail:
        return False
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            return bool(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False
    finally:
        uploaded_file.seek(0)


def inspect_pdf(data: bytes, max_pages: int, max_objects: int) -> str | None:
    """Runs in the child process. A reason to refuse the PDF, or None."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return (
            "The PDF is password-protected. Remove the password (or print it to a new PDF) "
            "and try again."
        )
    except pikepdf.PdfError:
        return "The PDF is damaged and cannot be opened. Print it to a new PDF and try again."
    with pdf:
        if len(pdf.pages) > max_pages:
            return (
                f"The PDF has more than {max_pages:,} pages. Split it into smaller files "
                "and upload them one by one."
            )
        if len(pdf.objects) > max_objects:
            return (
                f"The PDF is made of more than {max_objects:,} parts, which is more than a "
                "document needs. Print it to a new PDF and try again."
            )
        if _has_active_content(pdf):
            return (
                "The PDF contains JavaScript, actions that open other programs, or attached "
                "files, which cannot be uploaded. Print it to a new PDF and try again."
            )
    return None


def _has_active_content(pdf) -> bool:
    """Every indirect object, and the direct dictionaries and arrays inside it."""
    return any(_active(obj, depth=0) for obj in pdf.objects)


def _active(obj, *, depth: int) -> bool:
    import pikepdf

    if depth > MAX_DIRECT_DEPTH:
        return True  # nothing real nests this deep; refusing is safer than recursing on
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        keys = set(obj.keys())
        if keys & _ACTIVE_KEYS or str(obj.get("/S", "")) in _ACTIVE_ACTIONS:
            return True
        if str(obj.get("/Type", "")) in {"/EmbeddedFile", "/Filespec"} and "/EF" in keys:
            return True
        children = [obj.get(key) for key in keys]
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return False
    return any(
        _active(child, depth=depth + 1)
        for child in children
        if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect
    )
