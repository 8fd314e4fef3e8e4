"""The public register's fast path (issue 16): an anonymous GET of the
register, its downloads and feed, a verification page or a badge is answered
from the cache by the first middleware, with the same headers a rendered page
has, an ETag and 304 answers; a change to an award shows at once."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation.services.awards import publish_award, suspend_award
from tests.factories import UserFactory

from .factories import make_award

pytestmark = pytest.mark.django_db

FUTURE = date.today() + timedelta(days=400)
VARYING = {"X-Register-Cache", "ETag"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def public_urls(award) -> list[str]:
    return [
        "/register/",
        "/register/?region=london&page=1",
        "/register/feed/",
        "/register.csv",
        "/register.json",
        reverse("public:verify", args=[award.verification_token]),
        reverse("public:badge", args=[award.agency.slug]),
    ]


def _headers(response) -> dict:
    return {name: value for name, value in response.items() if name not in VARYING}


def test_a_second_anonymous_request_is_answered_before_the_other_middleware(client):
    award = make_award(name="Fast Adoption", region="london", expires_on=FUTURE)
    for url in public_urls(award):
        first = client.get(url)
        first_body = first.getvalue()  # a streamed download is kept once it has all gone
        assert first.status_code == 200, url
        assert hasattr(first.wsgi_request, "user"), url  # the whole stack ran
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        assert again.status_code == 200, url
        assert len(queries) == 0, url
        assert not hasattr(again.wsgi_request, "user"), url  # answered before authentication
        assert not hasattr(again.wsgi_request, "session"), url
        assert again.getvalue() == first_body, url


def test_a_cached_answer_has_the_headers_a_rendered_one_has(client):
    award = make_award(name="Header Adoption", expires_on=FUTURE)
    for url in public_urls(award):
        rendered = client.get(url)
        rendered.getvalue()
        cached = client.get(url)
        assert not hasattr(cached.wsgi_request, "user"), url
        assert _headers(cached) == _headers(rendered), url
        for security_header in (
            "Content-Security-Policy",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
        ):
            assert security_header in cached, (url, security_header)
        if url.startswith("/register/"):  # badges are made to be embedded
            assert cached["X-Frame-Options"] == "DENY", url


def test_a_known_etag_gets_304_without_a_body(client):
    make_award(name="Etag Adoption", expires_on=FUTURE)
    client.get("/register/")
    cached = client.get("/register/")
    etag = cached["ETag"]
    assert etag.startswith('"')
    not_modified = client.get("/register/", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert "Content-Security-Policy" in not_modified
    changed = client.get("/register/", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_suspending_and_publishing_an_award_change_the_cached_pages(client, panel):
    award = panel.published_award()
    name = award.agency.name
    verify = reverse("public:verify", args=[award.verification_token])
    client.get(verify)
    before = client.get(verify)
    assert not hasattr(before.wsgi_request, "user")
    assert b"suspended" not in before.content.lower()

    suspend_award(actor=panel.staff, award=award, reason="Under review.")
    after = client.get(verify)
    assert hasattr(after.wsgi_request, "user"), "a stale page was served from the cache"
    assert b"suspended" in after.content.lower()
    assert after["ETag"] != before["ETag"]

    other = panel.award()
    client.get("/register/")
    assert other.agency.name not in client.get("/register/").content.decode()
    publish_award(actor=panel.staff, award=other)
    assert other.agency.name in client.get("/register/").content.decode()
    assert name in client.get("/register/").content.decode()


def test_signed_in_people_and_unknown_parameters_take_the_normal_path(client):
    make_award(name="Normal Adoption", expires_on=FUTURE)
    client.get("/register/?utm_source=mail")
    junk = client.get("/register/?utm_source=mail")
    assert hasattr(junk.wsgi_request, "user")

    client.force_login(UserFactory())
    client.get("/register/")
    signed_in = client.get("/register/")
    assert hasattr(signed_in.wsgi_request, "user")
    assert "no-store" in signed_in["Cache-Control"]


def test_unknown_tokens_are_not_stored(client):
    for _ in range(2):
        missing = client.get("/verify/no-such-token/")
        assert missing.status_code == 404
        assert hasattr(missing.wsgi_request, "user")


def test_a_hit_reads_the_body_from_this_process_once_it_has_it(client):
    """The cache holds a page's status and headers, and its body under its
    ETag: a process that has served the body keeps it, so a hit reads only
    the headers again."""
    from moderation.register_fast_path import _body_key

    make_award(name="Kept Adoption", expires_on=FUTURE)
    rendered = client.get("/register/")
    first_hit = client.get("/register/")
    assert not hasattr(first_hit.wsgi_request, "user")
    cache.delete(_body_key(first_hit["ETag"]))
    second_hit = client.get("/register/")
    assert not hasattr(second_hit.wsgi_request, "user")
    assert second_hit.content == rendered.content
    assert second_hit["ETag"] == first_hit["ETag"]


def test_a_page_whose_body_is_gone_from_the_cache_and_this_process_is_rendered_again(
    client, monkeypatch
):
    from moderation import register_fast_path

    make_award(name="Dropped Adoption", expires_on=FUTURE)
    rendered = client.get("/register/")
    # Another process, which has kept no bodies.
    monkeypatch.setattr(register_fast_path, "kept_bodies", register_fast_path._KeptBodies())
    cache.delete(register_fast_path._body_key(rendered["ETag"]))
    again = client.get("/register/")
    assert hasattr(again.wsgi_request, "user"), "a page without its body was answered"
    assert again.content == rendered.content
    assert not hasattr(client.get("/register/").wsgi_request, "user")  # stored again


def test_kept_bodies_stay_within_their_limit_dropping_the_least_recently_used():
    from moderation.register_fast_path import _KeptBodies

    kept = _KeptBodies(limit=10)
    kept.keep('"a"', b"aaaa")
    kept.keep('"b"', b"bbbb")
    assert kept.get('"a"') == b"aaaa"  # "a" is now the most recently used
    kept.keep('"c"', b"cccc")
    assert kept.get('"b"') is None
    assert kept.get('"a"') == b"aaaa"
    assert kept.get('"c"') == b"cccc"
    kept.keep('"big"', b"x" * 11)  # larger than the whole limit: not kept
    assert kept.get('"big"') is None
    assert kept.get('"a"') == b"aaaa"
