"""Checks on evidence uploads, run before anything is stored.

``validate_upload`` looks at the file name, the size and the content itself. The
content is read in chunks (an upload may be a temporary file on disk) and the
file is rewound afterwards, so the caller can store it straight away.

Before any parser opens a document its limits are checked: zip-based documents
by ``archive_checks`` (uncompressed size, compression ratio, number of parts,
nesting, macros and ActiveX), PDFs by ``pdf_checks`` (pages, objects, active
content, another format attached), the latter under the ``ceilings``.

Text files (.txt, .csv) must be UTF-8, with or without a byte order mark. If a
file is not valid UTF-8 it is accepted as Windows-1252 when it decodes cleanly
in that encoding, because that is what Excel on Windows writes when it saves
"CSV (Comma delimited)". Either way the text must not contain NUL bytes or other
control characters apart from tab, line feed, vertical tab, form feed and
carriage return, and must not be markup (HTML, SVG, XML). The encoding is
reported on ``ValidatedUpload.encoding``.
"""

from __future__ import annotations

import codecs
import re
import zipfile

import filetype

from .archive_checks import BAD_ZIP_ERRORS, check_archive
from .file_types import (
    ALLOWED_TYPES,
    BINARY_BYTES,
    CHUNK_SIZE,
    EXECUTABLE_SIGNATURES,
    HEAD_SIZE,
    KIND_BY_EXTENSION,
    OLE2_SIGNATURE,
    UTF16_BOMS,
    ZIP_SIGNATURE,
    FileType,
    UploadRejected,
    ValidatedUpload,
    allowed_extensions,
    describe_size,
)
from .filenames import MAX_NAME_LENGTH, check_name, sanitise_filename
from .pdf_checks import check_pdf

__all__ = [
    "ALLOWED_TYPES",
    "KIND_BY_EXTENSION",
    "MAX_NAME_LENGTH",
    "FileType",
    "UploadRejected",
    "ValidatedUpload",
    "allowed_extensions",
    "describe_size",
    "iter_chunks",
    "sanitise_filename",
    "validate_upload",
]

_MARKUP_START = re.compile(r"<\s*(!doctype|html|head|body|svg|\?xml|script|iframe|!--)", re.I)
_MARKUP_ANYWHERE = re.compile(rb"<\s*(script|svg|html|iframe|object|embed)\b", re.I)


def iter_chunks(file, chunk_size: int = CHUNK_SIZE):
    """Yield the file's content from the start in pieces of at most ``chunk_size``.

    (``InMemoryUploadedFile.chunks()`` returns its whole content in one piece.)
    """
    file.seek(0)
    while chunk := file.read(chunk_size):
        yield chunk


def _read_head(uploaded_file, size: int = HEAD_SIZE) -> bytes:
    uploaded_file.seek(0)
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = uploaded_file.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _describe_content(head: bytes, uploaded_file) -> str | None:
    """A phrase for what the content looks like, e.g. "a PNG image", or None."""
    if head.startswith(EXECUTABLE_SIGNATURES):
        return "a program"
    if head.startswith(OLE2_SIGNATURE):
        return "an older or password-protected Microsoft Office file"
    if head.startswith(ZIP_SIGNATURE):
        kind = _zip_kind(uploaded_file)
        return ALLOWED_TYPES[kind].label if kind else "a zip archive"
    for file_type in ALLOWED_TYPES.values():
        simple = not (file_type.is_text or file_type.zip_member or file_type.odf_mimetype)
        if simple and _matches_signature(file_type, head):
            return file_type.label
    guess = filetype.guess(head)
    if guess is not None:
        return f"a {guess.extension.upper()} file ({guess.mime})"
    return None


def _matches_signature(file_type: FileType, head: bytes) -> bool:
    if file_type.kind == "pdf":
        # Readers accept the header anywhere in the first 1024 bytes.
        return b"%PDF-" in head[:1024]
    return head.startswith(file_type.signatures)


def _zip_kind(uploaded_file) -> str | None:
    """Which Office/OpenDocument kind a zip holds, or None (also for a broken zip).
    Macros and ActiveX parts are looked for by ``archive_checks``."""
    try:
        uploaded_file.seek(0)
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                for file_type in ALLOWED_TYPES.values():
                    if file_type.zip_member and file_type.zip_member in names:
                        return file_type.kind
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200).decode("ascii", "replace").strip()
                for file_type in ALLOWED_TYPES.values():
                    if file_type.odf_mimetype and file_type.odf_mimetype == mimetype:
                        return file_type.kind
    except BAD_ZIP_ERRORS:
        return None
    return None


def _mismatch(extension: str, expected: FileType, head: bytes, uploaded_file) -> UploadRejected:
    actual = _describe_content(head, uploaded_file)
    if actual and actual != expected.label:
        return UploadRejected(
            f"The file ends in .{extension} but it is {actual}, not {expected.label}. "
            "Check you have chosen the right file, or save it in the right format."
        )
    return UploadRejected(
        f"The file ends in .{extension} but it is not {expected.label}. "
        "It may be damaged, or saved in a different format. "
        "Open it, save it again and try again."
    )


def _check_text(uploaded_file, extension: str, expected: FileType) -> str:
    """Return the text encoding, or raise UploadRejected."""
    head = _read_head(uploaded_file, 4)
    if head.startswith(UTF16_BOMS):
        raise UploadRejected(
            f"The .{extension} file is saved as UTF-16 text. "
            "Save it with UTF-8 encoding and try again."
        )
    binary = UploadRejected(
        f"The file ends in .{extension} but it contains binary data, so it is not "
        f"{expected.label}. Check you have chosen the right file."
    )
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    for chunk in iter_chunks(uploaded_file):
        if BINARY_BYTES.search(chunk):
            raise binary
        if utf8_ok:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                utf8_ok = False
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    if utf8_ok:
        return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    try:
        for chunk in iter_chunks(uploaded_file):
            cp1252.decode(chunk)
        cp1252.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UploadRejected(
            f"The .{extension} file is not readable text. "
            "Save it with UTF-8 encoding and try again."
        ) from None
    return "cp1252"


def _check_content(uploaded_file, extension: str, kind: str) -> str | None:
    expected = ALLOWED_TYPES[kind]
    head = _read_head(uploaded_file)
    if head.startswith(EXECUTABLE_SIGNATURES):
        raise UploadRejected(
            "The file looks like a program, and programs cannot be uploaded. "
            "Upload a document, spreadsheet, image or text file instead."
        )
    if expected.is_text:
        for other in ALLOWED_TYPES.values():
            if not other.is_text and _matches_signature(other, head):
                raise _mismatch(extension, expected, head, uploaded_file)
        encoding = _check_text(uploaded_file, extension, expected)
        _check_not_markup(uploaded_file, extension, expected, encoding)
        return encoding
    if not _matches_signature(expected, head):
        if head.startswith(OLE2_SIGNATURE) and expected.zip_member:
            raise UploadRejected(
                f"The file ends in .{extension} but it is password-protected or saved in "
                "an older Microsoft Office format. Remove the password, or save it as "
                f".{extension}, and try again."
            )
        raise _mismatch(extension, expected, head, uploaded_file)
    if expected.zip_member or expected.odf_mimetype:
        if _zip_kind(uploaded_file) != kind:
            raise _mismatch(extension, expected, head, uploaded_file)
        check_archive(uploaded_file, extension)
    elif kind == "pdf":
        check_pdf(uploaded_file)
    return None


def _check_not_markup(uploaded_file, extension: str, expected, encoding: str) -> None:
    """Refuse a .txt or .csv that is really a web page, SVG image or XML document."""
    head = _read_head(uploaded_file, HEAD_SIZE).decode(encoding, "replace").lstrip("\ufeff \t\r\n")
    if _MARKUP_START.match(head) or any(
        _MARKUP_ANYWHERE.search(chunk) for chunk in iter_chunks(uploaded_file)
    ):
        raise UploadRejected(
            f"The file ends in .{extension} but it is a web page, image or other marked-up "
            f"document, not {expected.label}. Save it as plain text and try again."
        )


def validate_upload(uploaded_file, *, max_bytes: int) -> ValidatedUpload:
    """Check an uploaded evidence file; raise UploadRejected with a reason if it fails.

    ``uploaded_file`` is a Django ``UploadedFile`` (or any django ``File``). Its
    content is read in chunks and it is rewound before this function returns.
    """
    raw_name = uploaded_file.name or ""
    # Django keeps only the part after the last "/" of the browser's name.
    extension = check_name(raw_name)
    kind = KIND_BY_EXTENSION[extension]
    size = uploaded_file.size
    if not size:
        raise UploadRejected("The selected file is empty.")
    if size > max_bytes:
        raise UploadRejected(f"The file must be {describe_size(max_bytes)} or smaller")
    try:
        encoding = _check_content(uploaded_file, extension, kind)
    finally:
        uploaded_file.seek(0)
    return ValidatedUpload(
        kind=kind,
        extension=extension,
        safe_name=sanitise_filename(raw_name),
        size=size,
        encoding=encoding,
    )
