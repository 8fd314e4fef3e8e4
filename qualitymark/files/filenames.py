"""File names: what an upload may be called, and a harmless version for display."""

from __future__ import annotations

import re
import unicodedata

from .file_types import KIND_BY_EXTENSION, UploadRejected, allowed_extensions

MAX_NAME_LENGTH = 150

# Extensions that make a name look like a double extension when they appear
# before the last dot ("report.pdf.exe", "invoice.exe.pdf").
_RISKY_EXTENSIONS = frozenset(
    {
        "exe",
        "bat",
        "cmd",
        "scr",
        "pif",
        "msi",
        "msp",
        "dll",
        "cpl",
        "hta",
        "jar",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "wsh",
        "ps1",
        "psm1",
        "sh",
        "bash",
        "zsh",
        "py",
        "pl",
        "rb",
        "php",
        "lnk",
        "reg",
        "inf",
        "iso",
        "img",
        "dmg",
        "apk",
        "html",
        "htm",
        "svg",
        "xhtml",
        "doc",
        "docm",
        "dotx",
        "dotm",
        "xls",
        "xlsm",
        "xltx",
        "xltm",
        "ppt",
        "pptm",
        "potx",
        "odp",
        "rtf",
        "zip",
        "rar",
        "7z",
        "gz",
        "tar",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "webp",
        "heic",
    }
)
_KNOWN_EXTENSIONS = _RISKY_EXTENSIONS | set(KIND_BY_EXTENSION)

# Unicode controls that can disguise a name (right-to-left override and friends).
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


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


def check_name(raw_name: str) -> str:
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
        raise UploadRejected("The file name must end with a file type, for example .pdf or .docx.")
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
