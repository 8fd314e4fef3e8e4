"""Bad input never causes a server error: NUL bytes and malformed values in the
path, the query string or a form field answer 400 or 404.

A property-based test (Hypothesis) puts arbitrary text into every URL pattern's
arguments and query string, and into the public and sign-in forms, and checks
that no answer is a 5xx."""

import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory, enrol_totp

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Anything a browser can send, control characters and all (no lone surrogates:
# they cannot be encoded into a request at all), with the awkward characters
# drawn more often than chance would.
AWKWARD = "\x00\x01\x1f\x7f%/\\<>'\"&;:?#\u202e\ufeff\U0001f600"
characters = st.one_of(st.characters(codec="utf-8"), st.sampled_from(AWKWARD))
text = st.text(alphabet=characters, max_size=40)
_CONVERTER = re.compile(r"<(?:\w+:)?\w+>")


def routes(patterns=None, prefix="") -> list[str]:
    """Every path pattern of the site, with <converters> left in place."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern)
        if route.startswith("^"):  # a regular-expression pattern (the admin's)
            route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route.strip("^$"))
            route = route.replace("\\", "")
        if isinstance(pattern, URLResolver):
            found += routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            found.append(prefix + route)
    return sorted(set(found))


ROUTES = routes()
PRIVATE_PREFIXES = ("admin/", "moderation/", "staff/", "agency/", "dashboard/")
PUBLIC_ROUTES = [route for route in ROUTES if not route.startswith(PRIVATE_PREFIXES)]


def fill(route: str, values: list[str]) -> str:
    parts = iter(values)
    return "/" + _CONVERTER.sub(lambda _: quote(next(parts, "x"), safe=""), route)


def assert_no_server_error(response, where):
    assert response.status_code < 500, (where, response.status_code)


def test_the_reported_cases():
    client = Client(raise_request_exception=False)
    assert client.get("/verify/%00/").status_code == 400
    assert client.get("/register/?q=%00").status_code == 400
    assert client.get("/register/agencies/%00/").status_code == 400
    assert client.post("/accounts/login/", {"login": "a\x00@example.org"}).status_code == 400
    assert client.get("/verify/%F0%9F%98%80/").status_code == 404
    # Pasted text may hold other control characters; only NUL is refused in forms.
    assert client.post("/accounts/login/", {"login": "a\x0bb@example.org"}).status_code == 200


def test_every_route_is_walked():
    assert len(ROUTES) > 40 and len(PUBLIC_ROUTES) > 15
    assert {"verify/<str:token>/", "register/", "accounts/login/"} <= set(ROUTES)


def get_everywhere(client, routes, values, query):
    """The same arguments and query string on every route."""
    for route in routes:
        path = fill(route, values)
        url = f"{path}?{urlencode(query)}" if query else path
        assert_no_server_error(client.get(url), url)


URL_ARGUMENTS = {
    "values": st.lists(text, min_size=3, max_size=3),
    "query": st.dictionaries(text, text, max_size=3),
}


@settings(EXAMPLES, max_examples=40)
@given(**URL_ARGUMENTS)
@example(values=["\x00", "\x00", "\x00"], query={})
@example(values=["a", "b", "c"], query={"\x00": "\x00"})
def test_no_public_url_answers_a_server_error(values, query):
    get_everywhere(Client(raise_request_exception=False), PUBLIC_ROUTES, values, query)


@pytest.fixture
def staff_client():
    user = UserFactory(is_coram_staff=True, is_staff=True, is_superuser=True)
    enrol_totp(user)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@settings(EXAMPLES, max_examples=8)
@given(**URL_ARGUMENTS)
@example(values=["\x00", "\x00", "\x00"], query={"page": "\x00"})
def test_no_url_answers_a_server_error_to_a_signed_in_operator(staff_client, values, query):
    get_everywhere(staff_client, ROUTES, values, query)


PUBLIC_FORMS = {
    "/accounts/login/": ("login", "password", "remember"),
    "/accounts/password/reset/": ("email",),
    "/accounts/login/code/": ("email",),
}


@EXAMPLES
@given(
    form=st.sampled_from(sorted(PUBLIC_FORMS)),
    values=st.lists(text, min_size=3, max_size=3),
    next_url=text,
)
def test_no_public_form_answers_a_server_error(form, values, next_url):
    client = Client(raise_request_exception=False)
    data = dict(zip(PUBLIC_FORMS[form], values, strict=False))
    url = f"{form}?{urlencode({'next': next_url})}"
    assert_no_server_error(client.post(url, data), (form, data))


@EXAMPLES
@given(query=st.dictionaries(st.sampled_from(["q", "region", "level", "page", "sort"]), text))
def test_the_register_search_answers_every_query(query):
    client = Client(raise_request_exception=False)
    for path in ("/register/", "/register/data/", "/register.csv", "/register.json"):
        url = f"{path}?{urlencode(query)}"
        assert_no_server_error(client.get(url), url)
