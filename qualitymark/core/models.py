from django.db import models
from django.db.models import Q


class OutboxJob(models.Model):
    """Work that must happen after a change, written in the change's own
    transaction (see qualitymark/core/outbox.py). ``handler`` is the dotted
    path of a function called with ``kwargs``; it must be idempotent."""

    handler = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    inline = models.BooleanField(
        default=False, help_text="Run in the web process after commit, not by a worker."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(
        help_text="When the sweep dispatches it again if it is still not done."
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(done_at__isnull=True),
                name="core_outbox_pending",
            )
        ]

    def __str__(self):
        return f"{self.handler}({self.kwargs})"


class RepeatedPost(models.Model):
    """A form sent by a signed-in person, kept for a few seconds so that the same form
    sent again (a double click) is done once (qualitymark/core/repeated_posts.py)."""

    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(db_index=True)
    location = models.CharField(max_length=2000, blank=True)

    def __str__(self):
        return self.key
