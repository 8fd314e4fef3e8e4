"""The public register's fast path: the first middleware.

An anonymous GET (or HEAD) of the register, its feed and downloads, a
verification page or a badge is answered from the cache before any other
middleware runs. What is stored is the whole response as it left the stack
the first time (status, every header — the security headers among them — and
the body), so a cached answer carries exactly the headers a rendered one does.
Each stored page has an ETag; a request whose If-None-Match names it gets 304.
The body is stored apart, under its ETag, and each process keeps the bodies
it has served (_KeptBodies), so a hit reads only the page's headers again.

A stored page carries the register version it was rendered under (see
moderation/cache.py) and its key today's date; the version and the page are
read in one round trip, and a page of an older version is not served, so a
change to any award makes every stored page stale at once. Only known query
parameters, each given once, take the fast path; anything else goes the normal
way (where the view's own cache ignores it), so junk cannot fill the cache.
Not stored: anything but 200, anything setting a cookie, and bodies over
MAX_BODY bytes."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone

from qualitymark.core.cache import cache_is_degraded

from .cache import PAGE_TIMEOUT, VERSION_KEY, register_version

logger = logging.getLogger(__name__)

PREFIXES = ("/register/", "/register.csv", "/register.json", "/verify/", "/badge/")
PARAMETERS = frozenset({"q", "region", "type", "level", "status", "sort", "page"})
MAX_BODY = 8 * 1024 * 1024
PERSONAL_COOKIES = ("messages",)
KEPT_BYTES = 32 * 1024 * 1024


class _KeptBodies:
    """Bodies kept in this process by ETag, most recently used last, up to
    KEPT_BYTES in all. An ETag is a hash of its body, so a kept body is never
    the wrong one for a page: a hit reads only the page's status and headers
    from the cache, not its body again."""

    def __init__(self, limit: int = KEPT_BYTES):
        self.limit = limit
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def keep(self, etag: str, body: bytes) -> None:
        if len(body) > self.limit:
            return
        with self._lock:
            if etag in self._bodies:
                return
            self._bodies[etag] = body
            self._size += len(body)
            while self._size > self.limit:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)


kept_bodies = _KeptBodies()


def _query_key(query_string: str) -> str | None:
    """The query's parameters in a fixed order, or None when the request must
    go the normal way."""
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, max_num_fields=len(PARAMETERS))
    except ValueError:
        return None
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names) or not set(names) <= PARAMETERS:
        return None
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def _eligible(request) -> bool:
    if request.method not in ("GET", "HEAD") or not request.path.startswith(PREFIXES):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or any(
        name in request.COOKIES for name in PERSONAL_COOKIES
    ):
        return False
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return False
    try:
        request.get_host()
    except Exception:  # noqa: BLE001 - DisallowedHost: the normal path answers 400
        return False
    return not cache_is_degraded(cache)


def _key(request) -> str | None:
    query = _query_key(request.META.get("QUERY_STRING", ""))
    if query is None:
        return None
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:32]
    return f"register:fast:{timezone.localdate().isoformat()}:{digest}"


def _body_key(etag: str) -> str:
    return "register:fast:body:" + etag.strip('"')


def _lookup(key: str) -> tuple[str, tuple | None]:
    """The current register version and the page stored under `key` if it was
    rendered under that version: (status, headers, body), in one round trip
    when this process has kept the body."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return register_version(), None
    stored = found.get(key)
    if stored is None or stored[0] != str(version):
        return str(version), None
    _, status, headers = stored
    etag = dict(headers)["ETag"]
    body = kept_bodies.get(etag)
    if body is None:
        body = cache.get(_body_key(etag))
        if body is None:
            return str(version), None
        kept_bodies.keep(etag, body)
    return str(version), (status, headers, body)


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _answer(request, stored) -> HttpResponse:
    status, headers, content = stored
    etag = dict(headers).get("ETag")
    if etag and etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        response = HttpResponseNotModified()
        for header, value in headers:
            if header not in ("Content-Type", "Content-Length", "Content-Disposition"):
                response[header] = value
    else:
        response = HttpResponse(content, status=status)
        for header, value in headers:
            response[header] = value
    response["X-Register-Cache"] = "hit"
    return response


def _storable(response) -> bool:
    return response.status_code == 200 and not response.cookies


def _store(key: str, version: str, response, content: bytes) -> None:
    etag = _etag(content)
    headers = [(h, v) for h, v in response.items() if h not in ("X-Register-Cache", "ETag")]
    headers.append(("ETag", etag))
    try:
        cache.set(_body_key(etag), content, PAGE_TIMEOUT)
        cache.set(key, (version, response.status_code, headers), PAGE_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - the page was served; keeping it is optional
        logger.warning("Register cache unavailable: %s", type(error).__name__)


def _stored_while_streaming(key: str, version: str, response, body):
    """Pass a streamed body through unchanged, keeping a copy to store once
    it has all gone (and if it stayed under MAX_BODY)."""
    chunks, size = [], 0
    for chunk in body:
        if size <= MAX_BODY:
            chunks.append(chunk)
            size += len(chunk)
        yield chunk
    if size <= MAX_BODY:
        _store(key, version, response, b"".join(chunks))


class RegisterFastPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request)
        if key is None:
            return self.get_response(request)
        try:
            version, stored = _lookup(key)
        except Exception as error:  # noqa: BLE001 - no cache: the normal path answers
            logger.warning("Register cache unavailable: %s", type(error).__name__)
            return self.get_response(request)
        if stored is not None:
            return _answer(request, stored)
        response = self.get_response(request)
        if not _storable(response):
            return response
        if response.streaming:
            body = response.streaming_content
            response.streaming_content = _stored_while_streaming(key, version, response, body)
            return response
        if len(response.content) <= MAX_BODY:
            _store(key, version, response, response.content)
            response["ETag"] = _etag(response.content)
        return response
