"""Caching the public register, verification pages and badges.

Every cached page is stored under a key that includes a *register version*.
The award services bump the version whenever an award is created, published,
unpublished, suspended, reinstated, withdrawn, replaced or expires, so the next
request renders afresh; nothing has to find and delete old keys (they age out).
The key also includes today's date, so a page rendered yesterday is never
served today (an award's status depends on the date).

The cache is the default cache: Redis in production, local memory otherwise.
The cache is optional: while it is down (or has fallen back to one process's
memory) pages are rendered from the database and not stored. The version bump
is an outbox job run after the write commits, so a cache failure never rolls a
write back, and a bump that failed is made again by the sweep once the cache is
back.
"""

from __future__ import annotations

import hashlib
import logging
import time
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from qualitymark.core.cache import cache_is_degraded
from qualitymark.core.outbox import enqueue

logger = logging.getLogger(__name__)

VERSION_KEY = "register:version"
PAGE_TIMEOUT = 60 * 60  # seconds; the version bump is what keeps pages fresh
# Statuses worth keeping: a found page. Unknown tokens and slugs (404) are not
# cached, so guessing cannot fill the cache.
CACHEABLE_STATUSES = frozenset({200})


def register_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        # add() so that two first requests agree on one version.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return str(version)


def bump_register_version() -> None:
    """Outbox handler: raises unless the shared cache itself took the new
    version (a per-process fallback does not count), so the sweep retries."""
    if cache_is_degraded(cache):  # known to be down: do not wait for it again
        raise ConnectionError("The cache is unavailable.")
    getattr(cache, "primary", cache).set(VERSION_KEY, str(time.time_ns()), timeout=None)


def invalidate_register() -> None:
    """Make every cached public page stale: at once if the cache answers, and
    again once the current transaction commits (so a page rendered from the old
    data in between is not kept). The second is recorded in the transaction, so
    it happens even if the cache is down now."""
    try:
        bump_register_version()
    except Exception as error:  # noqa: BLE001 - a cache failure never fails the write
        logger.warning("Register cache unavailable: %s", type(error).__name__)
    enqueue("moderation.cache.bump_register_version", inline=True)


def page_key(name: str, parts: dict) -> str:
    canonical = "&".join(f"{key}={parts[key]}" for key in sorted(parts))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"register:page:{register_version()}:{timezone.localdate().isoformat()}:{name}:{digest}"


KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Security-Policy",
    "Cache-Control",
    "Cross-Origin-Resource-Policy",
    "Access-Control-Allow-Origin",
    "X-Robots-Tag",
)


def _store(key: str, value) -> None:
    if cache_is_degraded(cache):
        return
    try:
        cache.set(key, value, PAGE_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - the page was served; keeping it is optional
        logger.warning("Register cache unavailable: %s", type(error).__name__)


def cached_public_page(name: str, *, key_parts=None):
    """Cache a public view's response. ``key_parts(request, **kwargs)`` returns
    the dict of things the page depends on (defaults to the URL arguments);
    whatever else is in the query string is ignored, so junk parameters do not
    make new cache entries."""

    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or cache_is_degraded(cache):
                return view(request, *args, **kwargs)
            parts = key_parts(request, **kwargs) if key_parts else dict(kwargs)
            try:
                key = page_key(name, parts)
                stored = cache.get(key)
            except Exception as error:  # noqa: BLE001 - no cache: render from the database
                logger.warning("Register cache unavailable: %s", type(error).__name__)
                return view(request, *args, **kwargs)
            if stored is not None:
                status, headers, content = stored
                response = HttpResponse(content, status=status)
                for header, value in headers:
                    response[header] = value
                response["X-Register-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code in CACHEABLE_STATUSES and not response.streaming:
                headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
                _store(key, (response.status_code, headers, response.content))
            response["X-Register-Cache"] = "miss"
            return response

        return cached_view

    return decorator
