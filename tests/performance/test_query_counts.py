"""Every signed-in list page costs the same number of queries whatever the
amount of data behind it (issue 16): each page is asked for with one unit of
data (tests/performance/world.py) and with three, and must run the same,
pinned, number of queries both times. Speed itself is measured by
bench/scale.py, not asserted here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .world import grow, new_world

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# (who asks, URL name, pinned query count)
PAGES = {
    "moderator queue": ("busy", "moderation:queue", 6),
    "moderator queue, overdue": ("busy", "moderation:queue", 6),
    "panel list (chair)": ("chair", "moderation:panel", 8),
    "panel list (staff)": ("staff", "moderation:panel", 6),
    "screening": ("staff", "staff:screening", 5),
    "applications": ("staff", "staff:application_list", 5),
    "panel meetings": ("staff", "staff:meetings", 5),
    "awards": ("staff", "staff:award_list", 5),
    "agencies": ("staff", "staff:agency_list", 5),
    "people": ("staff", "staff:people_list", 8),
    "moderators": ("staff", "staff:moderator_list", 6),
    "notification log": ("staff", "staff:emails", 5),
    "exports": ("staff", "staff:exports", 3),
    "dashboard": ("staff", "staff:home", 15),
}
QUERY = {"moderator queue, overdue": "?status=overdue"}


def _user(world, who):
    return {"busy": world.busy.user, "chair": world.chair.user, "staff": world.staff}[who]


def _ask(client, world, name):
    """The page's query count and how many rows it has in all (None for a
    page that is not a list)."""
    who, url_name, _ = PAGES[name]
    client.force_login(_user(world, who))
    url = reverse(url_name) + QUERY.get(name, "")
    client.get(url)  # the first request fills per-process caches (framework, roles)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    page = response.context.get("page")
    return len(captured), page.paginator.count if page is not None else None


@pytest.mark.parametrize("name", PAGES)
def test_a_page_runs_the_same_queries_with_three_times_the_data(client, name):
    world = grow(new_world(), 1)
    small_queries, small_rows = _ask(client, world, name)
    grow(world, 2)
    large_queries, large_rows = _ask(client, world, name)
    if small_rows is not None:
        assert large_rows > small_rows, "the larger world must show more rows"
    assert (small_queries, large_queries) == (PAGES[name][2], PAGES[name][2])


@pytest.mark.parametrize("literal_agencies", [50, 0], ids=["agencies listed", "agencies subquery"])
def test_the_chair_does_not_see_applications_they_are_conflicted_on(
    client, monkeypatch, literal_agencies
):
    """The panel list leaves out conflicted applications in SQL; it must leave
    out exactly those the conflict rules name, whether the chair's linked
    agencies are few enough to be written out or are asked for by subquery."""
    from applications.models.submissions import Application
    from moderation import conflicts
    from moderation.conflicts import is_conflicted

    monkeypatch.setattr(conflicts, "LITERAL_AGENCIES", literal_agencies)

    world = grow(new_world(), 2)
    client.force_login(world.chair.user)
    listed = {
        row.application_id for row in client.get(reverse("moderation:panel")).context["at_panel"]
    }
    at_panel = Application.objects.filter(status="panel").select_related("agency")
    expected = {a.pk for a in at_panel if not is_conflicted(world.chair, a)}
    assert listed == expected
    assert len(expected) < at_panel.count(), "the world must give the chair a conflict"


def test_the_applications_list_counts_the_rows_it_lists(client):
    """The list's total comes from its status counts (one query fewer): it
    must be the number of rows the list has, filtered or not."""
    from applications.models.submissions import Application

    world = grow(new_world(), 1)
    client.force_login(world.staff)
    shown = Application.objects.that("shows_to_staff")
    for query, expected in (
        ("", shown.count()),
        ("?status=decided", shown.filter(status="decided").count()),
    ):
        page = client.get(reverse("staff:application_list") + query).context["page"]
        assert page.paginator.count == expected == len(page.paginator.object_list)
