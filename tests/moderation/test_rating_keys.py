"""Ratings are stored by a stable key: relabelling the scale never changes a
stored review, and the migration turns the old stored positions into keys."""

import json

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from moderation.models.workflow import DescriptorRating, ReviewRevision
from moderation.ratings import SCALE, Rating, rating_label, rating_order
from moderation.services.reviews import amend_review

from .builders import ratings_for, screened_application, submit_review
from .pages import text_of, url

OLD_POSITIONS = {
    Rating.NOT_YET_EVIDENCED: 0,
    Rating.PARTLY_MEETS: 1,
    Rating.MEETS: 2,
    Rating.EXCEEDS: 3,
}


@pytest.mark.django_db
def test_relabelling_the_scale_changes_what_is_shown_not_what_is_stored(
    settings, staff_client, staff
):
    application, assignments = screened_application(staff=staff)
    submit_review(assignments[0], value=Rating.MEETS)
    settings.RATING_LABELS = {"meets": "Established"}

    stored = set(DescriptorRating.objects.exclude(rating=None).values_list("rating", flat=True))
    assert stored == {"meets"}
    page = text_of(staff_client.get(url("reviews", application)))
    assert "Established" in page
    assert "Meets" not in page
    assert rating_label(Rating.MEETS) == "Established"
    assert rating_label(Rating.EXCEEDS) == "Exceeds"  # levels not relabelled keep their label


def test_the_scale_is_ordered_lowest_first_and_only_meets_and_above_meet():
    assert [level.key for level in SCALE] == Rating.values
    assert [rating_order(key) for key in Rating.values] == [0, 1, 2, 3]
    assert [level.key for level in SCALE if level.meets_descriptor] == ["meets", "exceeds"]


def test_a_label_for_a_level_that_does_not_exist_stops_start_up(settings):
    settings.RATING_LABELS = {"meets": "Established", "outstanding": "Outstanding"}
    errors = [message for message in run_checks() if message.id == "moderation.E001"]
    assert len(errors) == 1
    assert "outstanding" in errors[0].msg
    settings.RATING_LABELS = {"meets": "Established"}
    assert not [message for message in run_checks() if message.id == "moderation.E001"]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _stored_column() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rating FROM moderation_descriptorrating WHERE rating IS NOT NULL")
        return [row[0] for row in cursor.fetchall()]


def _snapshot_ratings() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM moderation_reviewrevision ORDER BY id")
        rows = [json.loads(row[0]) for row in cursor.fetchall()]
    return [item["rating"] for snapshot in rows for item in snapshot["ratings"]]


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_stored_positions_into_keys_and_back():
    application, assignments = screened_application()
    review = submit_review(assignments[0], value=Rating.EXCEEDS)
    amend_review(
        actor=assignments[0].moderator.user,
        review=review,
        ratings=ratings_for(application, Rating.PARTLY_MEETS),
        recommendation=review.recommendation,
        summary=review.summary,
        reason="Re-read the evidence.",
    )
    submit_review(assignments[1], value=Rating.NOT_YET_EVIDENCED)
    keys_before = sorted(DescriptorRating.objects.values_list("rating", flat=True))
    snapshots_before = _snapshot_ratings()
    assert ReviewRevision.objects.count() >= 2

    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    (migration,) = [
        node
        for node in graph.nodes
        if node[0] == "moderation" and node[1].endswith("_ratings_stored_by_key")
    ]
    parents = graph.node_map[migration].parents
    (before,) = [parent.key for parent in parents if parent.key[0] == "moderation"]
    leaves = graph.leaf_nodes()
    try:
        _migrate([before])
        assert sorted(_stored_column()) == sorted(OLD_POSITIONS[key] for key in keys_before)
        assert _snapshot_ratings() == [OLD_POSITIONS[key] for key in snapshots_before]
    finally:
        _migrate(leaves)

    assert sorted(DescriptorRating.objects.values_list("rating", flat=True)) == keys_before
    assert _snapshot_ratings() == snapshots_before
