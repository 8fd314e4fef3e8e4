"""Error pages in the service's own layout.

400, 403 and 404 are Django's own views with our templates (they render with
the request, so the header knows who is signed in). A server error may come
from the database itself, so ``server_error`` renders without touching it: no
session, no user, no context processors. When the database is what failed
(OperationalError, InterfaceError) the answer is 503 with Retry-After, and a
form that was being posted comes back in the page, ready to send again, so
nothing the person typed is lost.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.html import escape
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Never echoed back: secrets, and what the page makes again itself.
NOT_KEPT = ("password", "code", "token", "csrfmiddlewaretoken")
LONG_TEXT = 60  # characters; longer values are shown in a text box


def _context(**extra) -> dict:
    return {
        "service_name": "Early Permanence Quality Mark",
        "navigation": [],
        "is_production": settings.PRODUCTION,
        "user": AnonymousUser(),
        **extra,
    }


def error_context(**extra) -> dict:
    """What an error page rendered before (or without) the middleware needs."""
    return _context(**extra)


def _kept_fields(request) -> tuple[list, list, str]:
    """The posted fields to offer back: (long texts, short values, CSRF token)."""
    if request.method != "POST":
        return [], [], ""
    try:
        posted = request.POST
    except Exception:  # noqa: BLE001 - an unreadable body has nothing to give back
        return [], [], ""
    texts, values = [], []
    for name in posted:
        if any(secret in name.lower() for secret in NOT_KEPT):
            continue
        for value in posted.getlist(name):
            is_text = "\n" in value or len(value) > LONG_TEXT
            (texts if is_text else values).append((name, value))
    return texts, values, posted.get("csrfmiddlewaretoken", "")


def _plain(title: str, status: int) -> HttpResponse:
    """The last resort when even the branded page cannot be rendered."""
    body = f"<!DOCTYPE html><html lang=en><title>{escape(title)}</title><main><h1>{escape(title)}"
    return HttpResponse(
        body + '</h1><p><a href="/">Go to the home page</a></p></main>', status=status
    )


def _branded(view, title: str, status: int):
    def handler(request, exception=None):
        try:
            return view(request, exception)
        except Exception:
            logger.exception("The %s page could not be rendered", status)
            return _plain(title, status)

    return handler


bad_request = _branded(defaults.bad_request, "Sorry, there is a problem with the request", 400)
permission_denied = _branded(defaults.permission_denied, "You do not have permission", 403)
page_not_found = _branded(defaults.page_not_found, "Page not found", 404)


def database_unavailable(request) -> HttpResponse:
    texts, values, csrf_token = _kept_fields(request)
    content = render_to_string(
        "503.html",
        _context(
            texts=texts,
            values=values,
            csrf_value=csrf_token,
            action=request.path,
            retry_minutes=1,
        ),
    )
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    error = sys.exc_info()[1]
    try:
        if isinstance(error, OperationalError | InterfaceError):
            return database_unavailable(request)
        return HttpResponseServerError(render_to_string(template_name, _context()))
    except Exception:
        logger.exception("The error page could not be rendered")
        if isinstance(error, OperationalError | InterfaceError):
            response = _plain("Sorry, the service is unavailable", 503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return _plain("Sorry, there is a problem with the service", 500)
