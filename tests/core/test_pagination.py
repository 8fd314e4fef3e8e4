"""Long lists are counted only so far (issue 16): a list longer than the count
limit says "More than N" and its later pages are still reachable; a shorter
list says exactly how many rows it has."""

import pytest
from django.test import RequestFactory

from qualitymark.core import pagination
from qualitymark.core.pagination import BoundedPaginator, bounded_page
from qualitymark.users.models import User
from tests.factories import UserFactory
from tests.moderation.builders import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    UserFactory.create_batch(12)
    return User.objects.order_by("pk")


def test_a_list_shorter_than_the_limit_is_counted_exactly(people):
    paginator = BoundedPaginator(people, 5, limit=20)
    assert BoundedPaginator(people, 5, limit=2).limit == 5, "never less than a page"
    page = paginator.get_page(1)
    assert paginator.count == 12
    assert paginator.count_shown == "12"
    assert not paginator.more
    assert paginator.num_pages == 3
    assert [p.pk for p in page] == list(people.values_list("pk", flat=True)[:5])


def test_a_list_longer_than_the_limit_says_more_than(people):
    paginator = BoundedPaginator(people, 2, limit=4)
    page = paginator.get_page(1)
    assert paginator.more
    assert paginator.count_shown == "More than 4"
    assert page.has_next()


def test_each_page_counts_on_from_where_it_starts(people):
    """Page 3 of 2 rows a page starts at row 5: counting 4 past it reaches 8,
    so pages up to 4 exist and the next one is offered."""
    paginator = BoundedPaginator(people, 2, limit=4)
    page = paginator.get_page(3)
    assert page.number == 3
    assert paginator.count_shown == "More than 8" and paginator.more
    assert page.has_next()
    rows = list(people)
    assert list(page) == rows[4:6]


def test_the_last_page_is_counted_exactly_once_it_is_in_reach(people):
    paginator = BoundedPaginator(people, 5, limit=10)
    page = paginator.get_page(3)
    assert paginator.count == 12 and not paginator.more
    assert page.number == 3 and not page.has_next()
    assert len(page) == 2


@pytest.mark.parametrize(
    "asked", ["", "x", "-4", "0", "1.5", "99999", "9999999999999999999", "9" * 40]
)
def test_a_bad_page_number_gives_a_page_not_an_error(people, asked):
    request = RequestFactory().get("/", {"page": asked})
    page = bounded_page(request, people, 5)
    assert 1 <= page.number <= 3
    assert len(page) > 0


def test_the_people_list_says_more_than_when_over_the_limit(client, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 10)
    staff = staff_user()
    UserFactory.create_batch(60)
    client.force_login(staff)
    html = client.get("/staff/people/").content.decode()
    assert "More than 50 people" in html, "the limit is never less than a page"
    assert html.count('<tr class="govuk-table__row">') == 51, "a whole page of 50, and the header"
    assert "Page 1 of at least 2" in html and "Next" in html
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 1000)
    html = client.get("/staff/people/").content.decode()
    assert f"{User.objects.count()} people" in html


@pytest.mark.parametrize("asked", [1, 2, 3, 4, 6, 7, 50, "x", None, -1])
@pytest.mark.parametrize(
    ("per_page", "limit"), [(1, 1), (2, 4), (3, 5), (5, 10), (5, 50), (12, 12)]
)
def test_reading_ahead_shows_what_counting_shows_in_one_query_fewer(
    people, per_page, limit, asked, django_assert_num_queries
):
    """The same page, the same total, the same "More than" whichever way the
    rows past the page are found. Reading ahead takes one query while the
    page asked for has rows; past the end, its read finds nothing, and it
    counts and reads the last page as the counting way does (three)."""
    counted = BoundedPaginator(people, per_page, limit=limit)
    counted_page = counted.get_page(asked)
    read = BoundedPaginator(people, per_page, limit=limit, read_ahead=True)
    start = (counted_page.number - 1) * per_page
    past_the_end = isinstance(asked, int) and asked > counted_page.number
    with django_assert_num_queries(3 if past_the_end else 1):
        read_page = read.get_page(asked)
        rows = list(read_page)
    assert rows == list(counted_page) == list(people)[start : start + per_page]
    assert read_page.number == counted_page.number
    assert (read.count, read.count_shown, read.more) == (
        counted.count,
        counted.count_shown,
        counted.more,
    )
    assert read_page.has_next() == counted_page.has_next()


def test_reading_ahead_an_empty_list_gives_an_empty_first_page(django_assert_num_queries):
    paginator = BoundedPaginator(User.objects.none(), 5, read_ahead=True)
    page = paginator.get_page(3)
    assert page.number == 1 and list(page) == []
    assert paginator.count == 0 and paginator.count_shown == "0"
