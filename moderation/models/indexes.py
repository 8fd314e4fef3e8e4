"""Indexes that let a list page walk its order and stop at the page."""

from django.db import models
from django.db.models import Q

ASSIGNMENT_INDEXES = [
    # A moderator's queue in each of its orders: a page walks the index.
    models.Index(
        fields=["moderator", "due_on", "id"],
        condition=Q(removed_at__isnull=True),
        name="moderation_queue_by_due",
    ),
    models.Index(
        fields=["moderator", "-due_on", "id"],
        condition=Q(removed_at__isnull=True),
        name="moderation_queue_by_due_desc",
    ),
    models.Index(
        fields=["moderator", "-assigned_at", "id"],
        condition=Q(removed_at__isnull=True),
        name="moderation_queue_by_assigned",
    ),
    # The conflicts a moderator declared (few), for conflict_condition.
    models.Index(
        fields=["moderator", "application"],
        condition=Q(declared_conflict=True),
        name="moderation_declared_conflicts",
    ),
]

MEETING_INDEXES = [
    # The meetings list, newest first, and the dashboard's next meetings.
    models.Index(fields=["-held_on", "-id"], name="moderation_meetings_by_date"),
]
