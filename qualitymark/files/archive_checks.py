"""Checks on zip-based documents (Office Open XML and OpenDocument) before any
parser opens them: size limits read from the zip's directory, and active content.

The sizes come from the central directory. Python's ``zipfile`` (which
python-docx and the checks here use) never hands out more than a member's
declared size and fails on a CRC mismatch, so a member cannot expand past what
the directory says. Nested archives (a spreadsheet embedded in a Word document)
are opened and counted too, down to ``MAX_NESTING`` levels.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings

from .file_types import OLE2_SIGNATURE, ZIP_SIGNATURE, UploadRejected, describe_size

MAX_NESTING = 2
# Members smaller than this are not held to the compression-ratio limit: tiny
# XML parts compress very well and are harmless.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_XML_PART_BYTES = 2 * 1024 * 1024

# Content types and relationship types of macro and ActiveX parts, whatever the parts are called.
_ACTIVE_CONTENT_MARKERS = (
    "vbaproject",
    "vbadata",
    "macroenabled",
    "activex",
    "keymapcustomizations",
)
# OpenDocument keeps Basic macros and scripts in these folders.
_ODF_SCRIPT_FOLDERS = ("basic/", "scripts/")

BAD_ZIP_ERRORS = (  # what reading a damaged or hostile zip can raise
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    RuntimeError,
    ValueError,
    NotImplementedError,
    KeyError,
)


@dataclass
class _Totals:
    entries: int = 0
    uncompressed: int = 0


def check_archive(uploaded_file, extension: str) -> None:
    """Refuse a zip-based document over a limit or holding macros or ActiveX controls."""
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            _check_members(archive, _Totals(), depth=0)
            _check_active_content(archive, extension)
    except UploadRejected:
        raise
    except BAD_ZIP_ERRORS:
        raise UploadRejected(
            f"The .{extension} file is damaged and cannot be opened. "
            "Open it, save it again and try again."
        ) from None


def _check_members(archive: zipfile.ZipFile, totals: _Totals, *, depth: int) -> None:
    members = archive.infolist()
    totals.entries += len(members)
    if totals.entries > settings.UPLOAD_MAX_ARCHIVE_ENTRIES:
        raise UploadRejected(
            f"The file is made of more than {settings.UPLOAD_MAX_ARCHIVE_ENTRIES:,} parts, "
            "which is more than a document needs. Save it again without unused content."
        )
    for member in members:
        totals.uncompressed += member.file_size
        _check_size(member, totals)
    for member in members:
        if member.file_size < len(ZIP_SIGNATURE):
            continue
        with archive.open(member) as handle:
            start = handle.read(len(ZIP_SIGNATURE))
        if start != ZIP_SIGNATURE:
            continue
        if depth + 1 >= MAX_NESTING:
            raise UploadRejected(
                "The file holds archives inside archives, which cannot be uploaded. "
                "Save the embedded files separately and upload them one by one."
            )
        nested = io.BytesIO(archive.read(member))
        with zipfile.ZipFile(nested) as inner:
            _check_members(inner, totals, depth=depth + 1)


def _check_size(member: zipfile.ZipInfo, totals: _Totals) -> None:
    ratio_limit = settings.UPLOAD_MAX_COMPRESSION_RATIO
    if member.file_size > RATIO_FLOOR_BYTES and (
        member.file_size > ratio_limit * max(member.compress_size, 1)
    ):
        raise UploadRejected(
            f"Part of the file expands more than {ratio_limit} times when opened, which "
            "real documents do not do. Save the document again and try again."
        )
    limit = settings.UPLOAD_MAX_UNCOMPRESSED_BYTES
    if totals.uncompressed > limit:
        raise UploadRejected(
            f"The file expands to more than {describe_size(limit)} when opened, which is "
            "more than the portal can check. Make it smaller (for example, compress the "
            "pictures in it) and try again."
        )


def _check_active_content(archive: zipfile.ZipFile, extension: str) -> None:
    macros = UploadRejected(
        f"The file contains macros or ActiveX controls, which cannot be uploaded. Save it "
        f"as a .{extension} file without macros and try again."
    )
    for info in archive.infolist():
        name = info.filename.lower()
        if any(marker in name for marker in _ACTIVE_CONTENT_MARKERS):
            raise macros
        if name.startswith(_ODF_SCRIPT_FOLDERS):
            raise macros
        if name == "[content_types].xml" or name.endswith(".rels"):
            if _declares_active_content(archive, info):
                raise macros
        elif _is_ole_with_macros(archive, info):
            raise macros


def _declares_active_content(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when [Content_Types].xml or a relationships part names a macro or ActiveX part."""
    if info.file_size > MAX_XML_PART_BYTES:
        raise UploadRejected("The file's list of parts is too large to be a real document.")
    try:
        root = ElementTree.fromstring(archive.read(info))  # noqa: S314 - size-capped, no DTDs
    except ElementTree.ParseError:
        return False
    for element in root.iter():
        for attribute in ("ContentType", "Type"):
            value = (element.get(attribute) or "").lower()
            if any(marker in value for marker in _ACTIVE_CONTENT_MARKERS):
                return True
    return False


def _is_ole_with_macros(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """An embedded OLE compound file (any name) holding a VBA project."""
    if info.file_size < len(OLE2_SIGNATURE):
        return False
    with archive.open(info) as handle:
        if handle.read(len(OLE2_SIGNATURE)) != OLE2_SIGNATURE:
            return False
    import olefile

    try:
        with olefile.OleFileIO(archive.read(info)) as ole:
            streams = ["/".join(path).lower() for path in ole.listdir(streams=True, storages=True)]
    except OSError:
        return True  # an OLE part that does not even open is not worth the risk
    return any(
        posixpath.basename(path) in {"vba", "_vba_project", "dir", "macros"}
        or path.startswith(("vba", "macros"))
        for path in streams
    )
