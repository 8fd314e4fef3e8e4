"""Private file storage: random keys in, attachments or short-lived signed URLs out.

Files go to the project's default storage (a private folder locally, a private
S3 bucket in production). Keys are random, so a file's original name is never
part of where it is stored; keep the name (``ValidatedUpload.safe_name``) in the
database and give it back as the download name.

Nothing here checks permissions: call these from views that already have.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from .validation import iter_chunks, sanitise_filename

CHUNK_SIZE = 64 * 1024
_PREFIX = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


@dataclass(frozen=True)
class StoredFile:
    key: str
    sha256: str
    size: int


def private_storage() -> Storage:
    """The storage for private files, as currently configured (STORAGES["default"]).

    Django rebuilds this when STORAGES changes (e.g. in tests), so it always
    reflects the current settings.
    """
    return storages["default"]


def uses_signed_urls(storage: Storage | None = None) -> bool:
    """True when files are handed out as presigned S3 URLs rather than streamed."""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage or private_storage(), S3Storage)


def _clean_prefix(prefix: str) -> str:
    prefix = (prefix or "").strip("/")
    if not _PREFIX.match(prefix):
        raise ValueError(
            f"Storage prefix {prefix!r} must be letters, digits, '-' or '_' separated by '/'."
        )
    return prefix


def store_private_file(uploaded_file, *, prefix: str) -> StoredFile:
    """Store a file under ``{prefix}/{random}`` and return its key, SHA-256 and size.

    The file is read twice in chunks, never whole: once to hash and measure it,
    once by the storage backend as it writes. It is rewound afterwards and left
    in place (a temporary upload is copied, not moved).
    """
    prefix = _clean_prefix(prefix)
    digest = hashlib.sha256()
    size = 0
    for chunk in iter_chunks(uploaded_file, CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    uploaded_file.seek(0)
    key = f"{prefix}/{secrets.token_urlsafe(24)}"
    # Wrapping hides temporary_file_path(), so FileSystemStorage copies the
    # upload instead of moving it out from under the caller.
    content = File(uploaded_file, name=key)
    try:
        saved_key = private_storage().save(key, content)
    finally:
        uploaded_file.seek(0)
    return StoredFile(key=saved_key, sha256=digest.hexdigest(), size=size)


def copy_private_file(key: str, *, prefix: str) -> StoredFile:
    """Store a copy of a stored file under a new random key: removing either
    one leaves the other in place."""
    with open_private_file(key) as handle:
        return store_private_file(handle, prefix=prefix)


def open_private_file(key: str) -> File:
    """Open a stored file for reading in binary mode. Close it (use ``with``)."""
    return private_storage().open(key, "rb")


def delete_private_file(key: str) -> None:
    """Delete a stored file; deleting one that is already gone is not an error."""
    private_storage().delete(key)


def file_response(key: str, *, download_name: str, content_type: str) -> HttpResponse:
    """Hand a stored file to the browser as a download called ``download_name``.

    With S3 this is a redirect to a presigned URL that expires after
    ``settings.SIGNED_URL_SECONDS`` and makes S3 send the file as an attachment
    with that name and content type. Locally the file is streamed. Raises Http404
    when a local file is missing (S3 is not asked, to keep this to one request).
    """
    storage = private_storage()
    download_name = sanitise_filename(download_name)
    disposition = content_disposition_header(True, download_name)
    if uses_signed_urls(storage):
        url = storage.url(
            key,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.SIGNED_URL_SECONDS,
        )
        if "Signature=" not in url:
            raise ImproperlyConfigured(
                "Private storage produced an unsigned URL; check AWS_QUERYSTRING_AUTH "
                "and that no custom domain is set for the private bucket."
            )
        response = HttpResponseRedirect(url)
    else:
        try:
            handle = storage.open(key, "rb")
        except FileNotFoundError:
            raise Http404("No such file") from None
        response = FileResponse(
            handle, as_attachment=True, filename=download_name, content_type=content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
