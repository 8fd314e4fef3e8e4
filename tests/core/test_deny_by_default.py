"""Every URL sends an anonymous visitor to sign in, except a short public allowlist."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages anyone may open without signing in. Keep this list short and deliberate.
PUBLIC_ROUTES = [
    r"^$",
    r"^healthz$",
    r"^accessibility/$",
    r"^privacy/$",
    r"^cookies/$",
    r"^accounts/",  # sign-in, password reset, e-mail verification (allauth)
    r"^invitations/accept/",  # an invitation link opens before its invitee has an account
    r"^register",  # the public register and its downloads
    r"^verify/",  # certificate verification
    r"^badge/",  # embeddable award badges
    r"^static/",
    r"^admin/login/",  # the admin's own sign-in page
]
ALLOWED_PUBLIC = re.compile("|".join(f"(?:{route})" for route in PUBLIC_ROUTES))

SAMPLE_VALUES = {
    "int": "1",
    "slug": "sample",
    "str": "sample",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "sample",
}


def _walk(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _example_url(route: str) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\/", "/")

    def fill(match):
        converter = match.group(1) or "str"
        return SAMPLE_VALUES.get(converter, "sample")

    url = re.sub(r"<(?:(\w+):)?\w+>", fill, route)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "sample", url)
    return "/" + url


def all_routes():
    return sorted({route for route, _ in _walk(get_resolver().url_patterns)})


def _is_public(route: str) -> bool:
    return bool(ALLOWED_PUBLIC.match(route.lstrip("^")))


@pytest.mark.django_db
@pytest.mark.parametrize("route", [route for route in all_routes() if not _is_public(route)])
def test_anonymous_visitor_is_sent_to_sign_in(client, route):
    url = _example_url(route)
    response = client.get(url)
    assert response.status_code == 302, f"{route} ({url}) answered {response.status_code}"
    assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), (
        f"{route} sent an anonymous visitor to {response['Location']}"
    )


def test_public_allowlist_is_short():
    public = [route for route in all_routes() if _is_public(route)]
    non_account = [route for route in public if not route.startswith(("accounts/", "^accounts"))]
    assert len(non_account) <= 30, non_account
