"""A cache that keeps answering when Redis does not.

``FailoverCache`` is the default cache when REDIS_URL is set. Every call goes
to Redis; when Redis fails (refused, timed out, reset), the call is answered by
a local-memory cache in this process instead, and Redis is left alone for
``RETRY_SECONDS`` before it is tried again, so a dead Redis costs one failed
connection per process every few seconds rather than one per call.

What keeps working on the fallback: the sign-in rate limits (counted per
process), used one-time codes, and anything else that reads and writes the
default cache. Callers that must not trust a per-process copy (the register's
page cache) ask ``is_degraded`` and go to the database instead.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0

_DELEGATED = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "has_key",
    "incr",
    "decr",
    "clear",
    "get_or_set",
)


class FailoverCache(BaseCache):
    """LOCATION is the primary's location; OPTIONS["PRIMARY"] its backend path."""

    def __init__(self, location, params):
        params = dict(params)
        options = dict(params.pop("OPTIONS", {}) or {})
        primary_backend = options.pop("PRIMARY", "django.core.cache.backends.redis.RedisCache")
        self.retry_seconds = float(options.pop("RETRY_SECONDS", RETRY_SECONDS))
        super().__init__(params)
        self.primary = import_string(primary_backend)(location, {**params, "OPTIONS": options})
        self.fallback = LocMemCache(f"failover-{id(self)}", params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name, *args, **kwargs):
        if not self.is_degraded:
            try:
                return getattr(self.primary, name)(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - any Redis failure means "use the fallback"
                with self._lock:
                    self._down_until = time.monotonic() + self.retry_seconds
                logger.warning("Cache unavailable (%s); using local memory", type(error).__name__)
        return getattr(self.fallback, name)(*args, **kwargs)

    def close(self, **kwargs):
        with contextlib.suppress(Exception):  # closing a dead connection may fail
            self.primary.close(**kwargs)


def _delegate(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _DELEGATED:
    setattr(FailoverCache, _name, _delegate(_name))


def cache_is_degraded(cache) -> bool:
    return bool(getattr(cache, "is_degraded", False))
