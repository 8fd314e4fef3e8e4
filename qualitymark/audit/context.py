"""The request's client address, made available to services without passing
the request down through every call.

Behind proxies the connecting address is the nearest proxy's. Each trusted
proxy appends the address it received the request from to X-Forwarded-For, so
with ``TRUSTED_PROXY_COUNT`` proxies the client is the entry that many places
from the right: the right-most address no trusted proxy vouches for. Anything
further left was sent by the client and may be made up. The same address is
used by the audit trail and by allauth's rate limits (``users.adapters``).
"""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def _valid(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR"))
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < trusted:
        return remote
    return _valid(forwarded[-trusted]) or remote
