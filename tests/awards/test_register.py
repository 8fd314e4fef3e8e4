"""The public register, its downloads and feed, verification and badges."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moderation.models.awards import AwardStatus
from moderation.selectors.register import REGISTER_FIELDS
from moderation.services.awards import publish_award, withdraw_award
from tests.factories import AgencyFactory

from .factories import make_award

pytestmark = pytest.mark.django_db

REGISTER = "/register/"
FUTURE = date.today() + timedelta(days=400)


def names_on(response) -> list[str]:
    """Agency names in the register table, in order."""
    html = response.content.decode()
    table = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    marker = '<td class="govuk-table__cell"><a class="govuk-link" href="/register/agencies/'
    return [chunk.split("</a>", 1)[0].split(">", 1)[1] for chunk in table.split(marker)[1:]]


def test_the_register_lists_published_awards_with_their_details(client):
    award = make_award(
        name="Riverside Adoption",
        region="london",
        agency_type="vaa",
        level="working_towards",
        expires_on=FUTURE,
    )
    make_award(name="Hidden Adoption", published=False)
    response = client.get(REGISTER)
    assert response.status_code == 200
    page = response.content.decode()
    assert names_on(response) == ["Riverside Adoption"]
    for text in (
        "Voluntary adoption agency",
        "London",
        "Working Towards",
        "Current",
        f"{award.awarded_on:%-d %b %Y}",
        f"{award.expires_on:%-d %b %Y}",
        award.number,
    ):
        assert text in page
    assert "Hidden Adoption" not in page


def test_search_by_name_and_filters(client):
    make_award(name="Severn Adoption", region="south_west", agency_type="raa", expires_on=FUTURE)
    make_award(
        name="Tamar Family Service",
        region="south_west",
        agency_type="la",
        level="working_towards",
        expires_on=FUTURE,
    )
    make_award(
        name="Thames Adoption",
        region="london",
        agency_type="raa",
        status=AwardStatus.SUSPENDED,
        expires_on=FUTURE,
    )
    make_award(
        name="Wear Adoption", region="north_east", agency_type="vaa", status=AwardStatus.WITHDRAWN
    )
    make_award(
        name="Old Adoption",
        region="north_east",
        agency_type="vaa",
        expires_on=date.today() - timedelta(days=1),
    )  # past its date: expired
    get = lambda query: names_on(client.get(REGISTER + query))  # noqa: E731

    assert get("?q=adoption") == [
        "Old Adoption",
        "Severn Adoption",
        "Thames Adoption",
        "Wear Adoption",
    ]
    assert get("?q=TAMAR") == ["Tamar Family Service"]
    assert get("?region=south_west") == ["Severn Adoption", "Tamar Family Service"]
    assert get("?type=raa") == ["Severn Adoption", "Thames Adoption"]
    assert get("?level=working_towards") == ["Tamar Family Service"]
    assert get("?status=current") == ["Severn Adoption", "Tamar Family Service"]
    assert get("?status=suspended") == ["Thames Adoption"]
    assert get("?status=withdrawn") == ["Wear Adoption"]
    assert get("?status=expired") == ["Old Adoption"]
    assert get("?region=north_east&type=vaa&status=expired") == ["Old Adoption"]
    assert get("?q=nothing-like-this") == []
    # Nonsense filter values are ignored rather than refused.
    assert len(get("?region=atlantis&sort=sideways")) == 5


def test_sorting(client):
    make_award(
        name="Beta Adoption",
        awarded_on=date(2025, 1, 1),
        expires_on=date(2030, 1, 1),
        region="london",
    )
    make_award(
        name="Alpha Adoption",
        awarded_on=date(2024, 1, 1),
        expires_on=date(2031, 1, 1),
        region="south_west",
    )
    make_award(
        name="Gamma Adoption",
        awarded_on=date(2026, 1, 1),
        expires_on=date(2029, 6, 1),
        region="north_east",
    )
    get = lambda sort: names_on(client.get(f"{REGISTER}?sort={sort}"))  # noqa: E731
    assert get("name") == ["Alpha Adoption", "Beta Adoption", "Gamma Adoption"]
    assert get("-name") == ["Gamma Adoption", "Beta Adoption", "Alpha Adoption"]
    assert get("-awarded") == ["Gamma Adoption", "Beta Adoption", "Alpha Adoption"]
    assert get("expires") == ["Gamma Adoption", "Beta Adoption", "Alpha Adoption"]
    assert get("region") == ["Beta Adoption", "Gamma Adoption", "Alpha Adoption"]


def test_pagination_keeps_the_filters(client):
    for number in range(27):
        make_award(name=f"Agency {number:02d}", region="london")
    make_award(name="Elsewhere", region="north_west")
    first = client.get(REGISTER + "?region=london")
    assert len(names_on(first)) == 25
    assert "27 awards matching your search" in first.content.decode()
    assert 'href="?region=london&amp;page=2"' in first.content.decode()
    second = client.get(REGISTER + "?region=london&page=2")
    assert names_on(second) == ["Agency 25", "Agency 26"]
    assert "Page 2 of 2" in second.content.decode()
    assert names_on(client.get(REGISTER + "?region=london&page=99")) == names_on(second)


def test_summary_counts_current_awards_by_region_and_type(client):
    make_award(region="london", agency_type="la", expires_on=FUTURE)
    make_award(region="london", agency_type="vaa", level="working_towards", expires_on=FUTURE)
    make_award(region="london", agency_type="la", status=AwardStatus.WITHDRAWN)
    from moderation.selectors.register import register_summary

    summary = register_summary()
    london = next(row for row in summary.by_region if row.code == "london")
    assert (london.full, london.working_towards, london.total) == (1, 1, 2)
    la = next(row for row in summary.by_type if row.code == "la")
    assert la.total == 1
    assert summary.total.total == 2
    assert "2 agencies hold a current award" in client.get(REGISTER).content.decode()


def test_the_agency_page_shows_its_award_history(client, panel):
    agency = AgencyFactory(name="Kestrel Adoption")
    first = publish_award(actor=panel.staff, award=panel.award(agency=agency))
    renewal = publish_award(actor=panel.staff, award=panel.award(agency=agency, kind="renewal"))
    response = client.get(reverse("public:agency", args=[agency.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(renewal.number) < page.index(first.number)
    assert "Replaced" in page and f"Replaced by {renewal.number}" in page
    assert reverse("public:badge", args=[agency.slug]) in page
    assert client.get(reverse("public:agency", args=["no-such-agency"])).status_code == 404


def test_csv_fields(client):
    award = make_award(
        name="=Formula Adoption", region="east_midlands", agency_type="raa", expires_on=FUTURE
    )
    response = client.get("/register.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert list(rows[0]) == [name for name, _ in REGISTER_FIELDS]
    assert rows == [
        {
            "certificate_number": award.number,
            "agency_name": "'=Formula Adoption",  # never read as a formula
            "agency_slug": award.agency.slug,
            "agency_type": "raa",
            "agency_type_label": "Regional adoption agency",
            "region": "east_midlands",
            "region_label": "East Midlands",
            "level": "full",
            "level_label": "Full",
            "status": "current",
            "status_label": "Current",
            "awarded_on": award.awarded_on.isoformat(),
            "expires_on": award.expires_on.isoformat(),
            "verify_url": f"https://qualitymark.example/verify/{award.verification_token}/",
            "register_url": f"https://qualitymark.example/register/agencies/{award.agency.slug}/",
        }
    ]


def test_json_fields_and_filters(client):
    make_award(region="london", expires_on=FUTURE)
    withdrawn = make_award(region="north_west", status=AwardStatus.WITHDRAWN)
    document = json.loads(client.get("/register.json").getvalue())
    assert document["schema_version"] == 1
    assert document["as_of"] == timezone.localdate().isoformat()
    assert document["count"] == 2
    assert set(document["awards"][0]) == {name for name, _ in REGISTER_FIELDS}
    filtered = json.loads(client.get("/register.json?status=withdrawn").getvalue())
    assert [row["certificate_number"] for row in filtered["awards"]] == [withdrawn.number]
    assert filtered["awards"][0]["status"] == "withdrawn"
    response = client.get("/register.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    data_page = client.get(reverse("public:register_data")).content.decode()
    for name, _ in REGISTER_FIELDS:
        assert f"<code>{name}</code>" in data_page


def test_the_feed_of_new_awards(client, panel):
    award = publish_award(actor=panel.staff, award=panel.award())
    panel.award()  # not published: not in the feed
    response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    title = entries[0].find("{http://www.w3.org/2005/Atom}title").text
    assert title == f"{award.agency.name}: Full"


# --- Verification ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expires_on", "verdict", "shown"),
    [
        (AwardStatus.CURRENT, FUTURE, "This certificate is valid", "Valid until"),
        (AwardStatus.CURRENT, date(2020, 1, 1), "This certificate has expired", "Expired on"),
        (AwardStatus.EXPIRED, date(2020, 1, 1), "This certificate has expired", "Expired on"),
        (AwardStatus.SUSPENDED, FUTURE, "This award is suspended", "Suspended on"),
        (AwardStatus.WITHDRAWN, FUTURE, "This award has been withdrawn", "Withdrawn on"),
        (AwardStatus.SUPERSEDED, FUTURE, "This certificate has been replaced", "Valid until"),
    ],
)
def test_verification_says_plainly_what_the_certificate_is(
    client, status, expires_on, verdict, shown
):
    award = make_award(
        name="Heron Adoption", status=status, expires_on=expires_on, awarded_on=date(2019, 1, 1)
    )
    if status in (AwardStatus.SUSPENDED, AwardStatus.WITHDRAWN):
        award.status_changed_at = timezone.now()
        award.save()
    response = client.get(reverse("public:verify", args=[award.verification_token]))
    page = response.content.decode()
    assert response.status_code == 200
    assert verdict in page
    assert "Heron Adoption" in page and award.number in page
    assert f"{award.expires_on:%-d %B %Y}" in page
    assert shown in page


def test_an_unpublished_award_still_verifies(client):
    award = make_award(published=False, expires_on=FUTURE)
    page = client.get(reverse("public:verify", args=[award.verification_token])).content.decode()
    assert "This certificate is valid" in page
    assert "on the register</a>" not in page


def test_an_unknown_token_is_not_a_valid_certificate(client):
    response = client.get(reverse("public:verify", args=["made-up-token"]))
    assert response.status_code == 404
    assert "This is not a valid certificate" in response.content.decode()
    assert "search the register" in response.content.decode()
    long = client.get("/verify/" + "x" * 300 + "/")
    assert long.status_code == 404


# --- Badges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expires_on", "line"),
    [
        (AwardStatus.CURRENT, date(2031, 5, 4), "Valid until 4 May 2031"),
        (AwardStatus.CURRENT, date(2020, 5, 4), "Expired 4 May 2020"),
        (AwardStatus.EXPIRED, date(2020, 5, 4), "Expired 4 May 2020"),
        (AwardStatus.SUSPENDED, date(2031, 5, 4), "Suspended"),
        (AwardStatus.WITHDRAWN, date(2031, 5, 4), "Withdrawn"),
        (AwardStatus.SUPERSEDED, date(2031, 5, 4), "Replaced: see the register"),
    ],
)
def test_the_badge_shows_the_live_status(client, status, expires_on, line):
    award = make_award(
        status=status, expires_on=expires_on, awarded_on=date(2019, 1, 1), level="working_towards"
    )
    response = client.get(reverse("public:badge", args=[award.agency.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = response.content.decode()
    ET.fromstring(svg)  # noqa: S314 - well-formed XML
    assert "Working Towards" in svg and line in svg
    assert f"/register/agencies/{award.agency.slug}/" in svg
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "X-Frame-Options" not in response  # irrelevant to <img>, and not in the way
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_the_badge_prefers_the_live_award(client):
    agency = AgencyFactory()
    make_award(agency=agency, status=AwardStatus.WITHDRAWN, awarded_on=date(2026, 1, 1))
    make_award(
        agency=agency, status=AwardStatus.CURRENT, awarded_on=date(2025, 1, 1), expires_on=FUTURE
    )
    svg = client.get(reverse("public:badge", args=[agency.slug])).content.decode()
    assert "Valid until" in svg


def test_an_agency_without_a_published_award_has_a_not_listed_badge(client):
    award = make_award(published=False)
    response = client.get(reverse("public:badge", args=[award.agency.slug]))
    assert response.status_code == 404
    assert "Not on the register" in response.content.decode()


# --- Fast, cookie-free and cached -----------------------------------------------------------


def public_urls(award) -> list[str]:
    return [
        REGISTER,
        REGISTER + "?q=a&region=london&status=current&sort=-awarded",
        reverse("public:agency", args=[award.agency.slug]),
        reverse("public:verify", args=[award.verification_token]),
        reverse("public:badge", args=[award.agency.slug]),
        "/register.csv",
        "/register.json",
        reverse("public:feed"),
        reverse("public:register_data"),
    ]


def queries_for(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def test_query_counts_do_not_grow_with_the_register(client):
    agency = AgencyFactory(region="london")
    award = make_award(agency=agency, expires_on=FUTURE, status=AwardStatus.CURRENT)
    make_award(agency=agency, status=AwardStatus.SUPERSEDED)
    small = {url: queries_for(client, url) for url in public_urls(award)}
    for number in range(18):
        make_award(
            region="london" if number % 2 else "north_east",
            level="working_towards" if number % 3 else "full",
        )
    for _ in range(3):
        make_award(agency=agency, status=AwardStatus.EXPIRED)
    large = {url: queries_for(client, url) for url in public_urls(award)}
    assert large == small
    assert max(large.values()) <= 4, large


def test_public_pages_set_no_cookies_and_need_no_sign_in(client):
    award = make_award(expires_on=FUTURE)
    for url in public_urls(award) + ["/verify/unknown-token/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert not response.cookies, (url, response.cookies)
        assert "Set-Cookie" not in response, url
        assert b"csrfmiddlewaretoken" not in response.getvalue(), url


def test_pages_are_cached_until_an_award_changes(client, panel):
    award = panel.award()
    first = client.get(REGISTER)
    assert first["X-Register-Cache"] == "miss"
    assert award.agency.name not in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(REGISTER)
    assert again["X-Register-Cache"] == "hit"
    assert len(queries) == 0
    assert again.content == first.content

    publish_award(actor=panel.staff, award=award)
    published = client.get(REGISTER)
    assert published["X-Register-Cache"] == "miss"
    assert award.agency.name in published.content.decode()

    withdraw_award(actor=panel.staff, award=award, reason="Closed.")
    page = client.get(reverse("public:verify", args=[award.verification_token])).content
    assert b"This award has been withdrawn" in page
    assert award.agency.name in client.get(REGISTER).content.decode()  # still listed


@pytest.mark.redis
def test_the_cache_works_on_redis(settings, client):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": "qm-test-awards",
        }
    }
    from django.core.cache import caches

    caches["default"].clear()
    make_award(name="Redis Adoption", expires_on=FUTURE)
    assert client.get(REGISTER)["X-Register-Cache"] == "miss"
    hit = client.get(REGISTER)
    assert hit["X-Register-Cache"] == "hit"
    assert b"Redis Adoption" in hit.content
    caches["default"].clear()


def test_renaming_an_agency_refreshes_the_register(client):
    award = make_award(name="Old Name Adoption", expires_on=FUTURE)
    assert b"Old Name Adoption" in client.get(REGISTER).content
    award.agency.name = "New Name Adoption"
    award.agency.save()
    assert b"New Name Adoption" in client.get(REGISTER).content
