"""Caching the public register, verification pages and badges.

Every cached page is stored under a key that includes a *register version*.
The award services bump the version whenever an award is created, published,
unpublished, suspended, reinstated, withdrawn, replaced or expires, so the next
request renders afresh; nothing has to find and delete old keys (they age out).
The key also includes today's date, so a page rendered yesterday is never
served today (an award's status depends on the date).

The cache is the default cache: Redis in production, local memory otherwise.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

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


def _bump() -> None:
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)


def invalidate_register() -> None:
    """Make every cached public page stale: now, and again once the current
    transaction commits (so a page rendered from the old data in between is
    not kept)."""
    _bump()
    transaction.on_commit(_bump)


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


def cached_public_page(name: str, *, key_parts=None):
    """Cache a public view's response. ``key_parts(request, **kwargs)`` returns
    the dict of things the page depends on (defaults to the URL arguments);
    whatever else is in the query string is ignored, so junk parameters do not
    make new cache entries."""

    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            parts = key_parts(request, **kwargs) if key_parts else dict(kwargs)
            key = page_key(name, parts)
            stored = cache.get(key)
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
                cache.set(key, (response.status_code, headers, response.content), PAGE_TIMEOUT)
            response["X-Register-Cache"] = "miss"
            return response

        return cached_view

    return decorator
