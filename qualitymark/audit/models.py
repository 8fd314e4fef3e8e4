from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One thing that happened. Append-only: on PostgreSQL a trigger refuses
    UPDATE and DELETE on this table (see migration 0002), the application's
    database role may only INSERT and SELECT it (``manage.py migrate`` grants),
    and each event is chained to the one before by a keyed hash (``chain``)."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=100, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    position = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    details_digest = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")

    @property
    def actor_email(self) -> str:
        personal = getattr(self, "personal", None)
        return personal.actor_email if personal else ""

    @property
    def ip_address(self) -> str | None:
        personal = getattr(self, "personal", None)
        return personal.ip_address if personal else None


class AuditEventPersonal(models.Model):
    """The personal details of one event, kept beside the append-only record
    rather than in it, so that retention and erasure can remove them while the
    event itself (who by id, what, when, to what) stays exactly as written."""

    event = models.OneToOneField(
        AuditEvent, on_delete=models.CASCADE, primary_key=True, related_name="personal"
    )
    actor_email = models.CharField(
        max_length=254, blank=True, help_text="The actor's e-mail address at the time."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    typed_email = models.CharField(
        max_length=254, blank=True, help_text="The address typed at a failed sign-in."
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "personal details of an audit event"
        verbose_name_plural = "personal details of audit events"

    def __str__(self):
        return f"Personal details of event {self.event_id}"
