"""Two small guards on every request (issue 11).

``RejectBadInputMiddleware`` answers 400 to a request whose path or query string
holds a control character (no link has one), or whose form fields hold a NUL:
PostgreSQL cannot store NUL in text, so such input would otherwise end in a
server error somewhere down the line. Other characters pasted into a form (a
vertical tab from a word processor, say) are left to the forms.

``PrivatePagesNotCachedMiddleware`` marks every response to a signed-in person
``Cache-Control: private, no-store``, so no browser or proxy keeps a copy of
evidence, reviews or anything else behind the sign-in. Responses to people who
are not signed in keep whatever the view chose (the public register pages are
cacheable).
"""

from __future__ import annotations

import re

from django.core.exceptions import SuspiciousOperation

_ADDRESS_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_NUL = re.compile(r"\x00")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadInput(SuspiciousOperation):
    """Turned into a 400 response by Django."""


def _bad(values, characters=_NUL) -> bool:
    return any(characters.search(value) for value in values)


def _fields(query_dict) -> list[str]:
    return [part for key, values in query_dict.lists() for part in (key, *values)]


class RejectBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _bad([request.path, *_fields(request.GET)], _ADDRESS_CONTROLS):
            raise BadInput("Control characters in the address.")
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            names = [upload.name or "" for upload in request.FILES.values()]
            if _bad(_fields(request.POST)) or _bad(names):
                raise BadInput("Control characters in a form field.")
        return self.get_response(request)


class PrivatePagesNotCachedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response
