"""Oversized uploads are refused before they are read (issue 16).

`OversizedRequestMiddleware` (early in the stack) answers 413 at once when a
request declares a body longer than `request_limit()` (five evidence files and the
form around them): not a byte of it is read. For a multipart post within that
length it parses the form itself (the next middleware would have), with
`SizeLimitedUploadHandler` first among the upload handlers, which stops
reading the request as soon as one file passes `file_cutoff()`, and the
answer is 413 too. A file a little over the evidence limit
(EVIDENCE_MAX_UPLOAD_BYTES) but under the cut-off gets the form's own error
message instead."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.template.loader import render_to_string

from .errors import error_context

REFUSED = "_qm_upload_refused"


FILES_PER_REQUEST = 5
MARGIN = 1024 * 1024  # the form's other fields and the multipart framing


def request_limit() -> int:
    return getattr(
        settings,
        "UPLOAD_REQUEST_MAX_BYTES",
        settings.EVIDENCE_MAX_UPLOAD_BYTES * FILES_PER_REQUEST + MARGIN,
    )


def file_cutoff() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_BYTES + MARGIN


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def too_large(request) -> HttpResponse:
    content = render_to_string(
        "413.html",
        error_context(
            limit=_megabytes(settings.EVIDENCE_MAX_UPLOAD_BYTES),
            total=_megabytes(request_limit() - MARGIN),
            back_url=request.path,
        ),
    )
    response = HttpResponse(content, status=413)
    response["Cache-Control"] = "no-store"
    # The client knows where the answer ends while its body is still unsent.
    response["Content-Length"] = str(len(response.content))
    return response


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and stops the upload (without
    reading the rest of the request) once one passes the cut-off."""

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        if self.received > file_cutoff():
            setattr(self.request, REFUSED, True)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class OversizedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _declared_length(request) > request_limit():
            return too_large(request)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.upload_handlers.insert(0, SizeLimitedUploadHandler(request))
            request.FILES  # noqa: B018 - parsed here, through the size-limited handler
            if getattr(request, REFUSED, False):
                return too_large(request)
        return self.get_response(request)
