"""The staff dashboard's figures (and the application list's status counts)
are worked out once for each state of the database
(qualitymark/core/freshness.py, issue 16): a second look with nothing written
in between is served without its queries, and any write (committed, or begun
and rolled back) means the next look works them out afresh."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualitymark.core import freshness

from .builders import staff_user, submitted_application
from .test_staff_dashboard import figures

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

HOME = reverse("staff:home")


@pytest.fixture
def staff_client(client):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's snapshots")
    client.force_login(staff_user())
    return client


def waiting(client) -> str:
    return figures(client.get(HOME), "attention")["Waiting for screening"][0]


def assert_second_look_is_cached(client, read, expected: str):
    client.get(HOME)  # signs in: the session is written
    submitted_application()
    with CaptureQueriesContext(connection) as first:
        assert read(client) == expected
    with CaptureQueriesContext(connection) as second:
        assert read(client) == expected
    assert len(second) < len(first), "the second look is served from the cache"


def test_a_second_look_with_nothing_written_runs_no_dashboard_queries(staff_client):
    assert_second_look_is_cached(staff_client, waiting, "1")


def test_a_committed_write_is_shown_at_once(staff_client):
    submitted_application()
    assert waiting(staff_client) == "1"
    submitted_application()
    assert waiting(staff_client) == "2"


def test_a_rolled_back_write_is_never_shown(staff_client):
    assert waiting(staff_client) == "0"
    with pytest.raises(RuntimeError), transaction.atomic():
        submitted_application()
        # Looked at inside the transaction that will be rolled back: worked
        # out, but not kept for anyone else.
        assert waiting(staff_client) == "1"
        raise RuntimeError("roll back")
    assert waiting(staff_client) == "0"


def test_inside_a_transaction_nothing_is_cached(staff_client):
    calls = []
    with transaction.atomic():
        for _ in range(2):
            freshness.until_next_write("test", lambda: calls.append(1))
    assert len(calls) == 2
    freshness.until_next_write("test", lambda: calls.append(1) or "kept")
    freshness.until_next_write("test", lambda: calls.append(1) or "kept")
    assert len(calls) == 3, "outside a transaction the second call is served from the cache"


def submitted_count(client) -> str:
    """The application list's status filter: "Submitted (N)"."""
    page = client.get(reverse("staff:application_list")).content.decode()
    return page.split(">Submitted (", 1)[1].split(")", 1)[0]


def test_the_application_lists_status_counts_are_kept_only_until_a_write(staff_client):
    assert_second_look_is_cached(staff_client, submitted_count, "1")
    submitted_application()
    assert submitted_count(staff_client) == "2"
    with pytest.raises(RuntimeError), transaction.atomic():
        submitted_application()
        assert submitted_count(staff_client) == "3"
        raise RuntimeError("roll back")
    assert submitted_count(staff_client) == "2"
