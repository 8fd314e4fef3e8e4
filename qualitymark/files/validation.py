"""Checks on evidence uploads, run before anything is stored.

``validate_upload`` looks at the file name, the size and the content itself. The
content is read in chunks (an upload may be a temporary file on disk) and the
file is rewound afterwards, so the caller can store it straight away.

Text files (.txt, .csv) must be UTF-8, with or without a byte order mark. If a
file is not valid UTF-8 it is accepted as Windows-1252 when it decodes cleanly
in that encoding, because that is what Excel on Windows writes when it saves
"CSV (Comma delimited)". Either way the text must not contain NUL bytes or other
control characters apart from tab, line feed, vertical tab, form feed and
carriage return. The encoding is reported on ``ValidatedUpload.encoding``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype

CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 8 * 1024
MAX_NAME_LENGTH = 150


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

# Extensions that make a name look like a double extension when they appear
# before the last dot ("report.pdf.exe", "invoice.exe.pdf").
_RISKY_EXTENSIONS = frozenset(
    {
        "exe", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl", "hta", "jar", "js",
        "jse", "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "sh", "bash", "zsh", "py", "pl", "rb",
        "php", "lnk", "reg", "inf", "iso", "img", "dmg", "apk", "html", "htm", "svg",
        "xhtml", "doc", "docm", "dotx", "dotm", "xls", "xlsm", "xltx", "xltm", "ppt", "pptm",
        "potx", "odp", "rtf", "zip", "rar", "7z", "gz", "tar", "gif", "bmp", "tif", "tiff", "webp",
        "heic",
    }
)
_KNOWN_EXTENSIONS = _RISKY_EXTENSIONS | set(KIND_BY_EXTENSION)

# Windows PE, ELF, scripts with a shebang, Mach-O (and Java class files).
_EXECUTABLE_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Control bytes that never belong in a text file (tab, LF, VT, FF and CR are fine).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")
# Unicode controls that can disguise a name (right-to-left override and friends).
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


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


# --- names ------------------------------------------------------------------------


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS


def sanitise_filename(name: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """A readable, harmless version of a user's file name, for display and downloads.

    Normalises Unicode (NFKC), drops any directory part, control and other
    invisible format characters, collapses whitespace, strips leading dots and
    trailing dots and spaces, and caps the length while keeping the extension.
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\t\n\r\v\f\x85\u2028\u2029]", " ", name)  # line breaks, tabs: spaces
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = re.sub(r"\s+", " ", name).strip()
    name = name.lstrip(". ").rstrip(". ")
    if not name:
        return "file"
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            stem = stem[: max_length - len(extension) - 1].rstrip(" .")
            name = f"{stem}.{extension}"
        else:
            name = name[:max_length].rstrip(" .")
    return name


def _check_name(raw_name: str) -> str:
    """Return the lower-case extension, or raise UploadRejected."""
    if not raw_name or not raw_name.strip(" ."):
        raise UploadRejected("The file must have a name. Rename the file and try again.")
    if any(_is_control(ch) for ch in raw_name):
        raise UploadRejected(
            "The file name contains hidden control characters. Rename the file and try again."
        )
    if "/" in raw_name or "\\" in raw_name:
        raise UploadRejected(
            "The file name must not contain / or \\. Rename the file and try again."
        )
    if len(raw_name) > MAX_NAME_LENGTH:
        raise UploadRejected(
            f"The file name must be {MAX_NAME_LENGTH} characters or fewer. "
            "Rename the file and try again."
        )
    name = unicodedata.normalize("NFKC", raw_name).strip().rstrip(". ")
    if any(_is_control(ch) for ch in name) or "/" in name or "\\" in name:
        raise UploadRejected("The file name contains characters that are not allowed.")
    stem, dot, extension = name.rpartition(".")
    extension = extension.strip().lower()
    if not dot or not extension:
        raise UploadRejected(
            "The file name must end with a file type, for example .pdf or .docx."
        )
    if not stem.strip(" ."):
        raise UploadRejected(
            f"The file name must have some words before .{extension}. "
            "Rename the file and try again."
        )
    inner = [part.strip().lower() for part in stem.split(".")[1:]]
    if any(part in _KNOWN_EXTENSIONS for part in inner):
        raise UploadRejected(
            "The file name has more than one file type in it (for example "
            "‘report.pdf.exe’). Rename it so that it ends with a single file type, "
            "for example ‘report.pdf’."
        )
    if extension not in KIND_BY_EXTENSION:
        listed = ", ".join(f".{e}" for e in allowed_extensions()[:-1])
        raise UploadRejected(
            f"Files ending .{extension} cannot be uploaded. "
            f"The file must be a {listed} or .{allowed_extensions()[-1]} file."
        )
    return extension


# --- content ----------------------------------------------------------------------


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
    if head.startswith(_EXECUTABLE_SIGNATURES):
        return "a program"
    if head.startswith(_OLE2_SIGNATURE):
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
    """Which Office/OpenDocument kind a zip holds, or None (also for a broken zip)."""
    return _inspect_zip(uploaded_file)[0]


def _inspect_zip(uploaded_file) -> tuple[str | None, bool]:
    """(kind, has_macros) for a zip-based document; (None, False) if it is neither."""
    try:
        uploaded_file.seek(0)
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            has_macros = any(n.lower().endswith("vbaproject.bin") for n in names)
            if "[Content_Types].xml" in names:
                for file_type in ALLOWED_TYPES.values():
                    if file_type.zip_member and file_type.zip_member in names:
                        return file_type.kind, has_macros
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200).decode("ascii", "replace").strip()
                for file_type in ALLOWED_TYPES.values():
                    if file_type.odf_mimetype and file_type.odf_mimetype == mimetype:
                        return file_type.kind, has_macros
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError,
            ValueError, NotImplementedError):
        return None, False
    return None, False


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
    if head.startswith(_UTF16_BOMS):
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
        if _BINARY_BYTES.search(chunk):
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
    if head.startswith(_EXECUTABLE_SIGNATURES):
        raise UploadRejected(
            "The file looks like a program, and programs cannot be uploaded. "
            "Upload a document, spreadsheet, image or text file instead."
        )
    if expected.is_text:
        for other in ALLOWED_TYPES.values():
            if not other.is_text and _matches_signature(other, head):
                raise _mismatch(extension, expected, head, uploaded_file)
        return _check_text(uploaded_file, extension, expected)
    if not _matches_signature(expected, head):
        if head.startswith(_OLE2_SIGNATURE) and expected.zip_member:
            raise UploadRejected(
                f"The file ends in .{extension} but it is password-protected or saved in "
                "an older Microsoft Office format. Remove the password, or save it as "
                f".{extension}, and try again."
            )
        raise _mismatch(extension, expected, head, uploaded_file)
    if expected.zip_member or expected.odf_mimetype:
        actual_kind, has_macros = _inspect_zip(uploaded_file)
        if actual_kind != kind:
            raise _mismatch(extension, expected, head, uploaded_file)
        if has_macros:
            raise UploadRejected(
                f"The file contains macros, which cannot be uploaded. Save it as a .{extension} "
                "file without macros and try again."
            )
    return None


def validate_upload(uploaded_file, *, max_bytes: int) -> ValidatedUpload:
    """Check an uploaded evidence file; raise UploadRejected with a reason if it fails.

    ``uploaded_file`` is a Django ``UploadedFile`` (or any django ``File``). Its
    content is read in chunks and it is rewound before this function returns.
    """
    raw_name = uploaded_file.name or ""
    # Django keeps only the part after the last "/" of the browser's name.
    extension = _check_name(raw_name)
    kind = KIND_BY_EXTENSION[extension]
    size = uploaded_file.size
    if not size:
        raise UploadRejected("The selected file is empty.")
    if size > max_bytes:
        raise UploadRejected(f"The file must be smaller than {describe_size(max_bytes)}")
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
