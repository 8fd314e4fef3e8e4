from django.db import models
from django.db.models import Q


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RETRYING = "retrying", "Refused, trying again"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour."""
        return _EMAIL_TAGS.get(self, "govuk-tag--grey")


_EMAIL_TAGS = {
    EmailStatus.SENT: "govuk-tag--green",
    EmailStatus.RETRYING: "govuk-tag--yellow",
    EmailStatus.FAILED: "govuk-tag--red",
}


class SentEmail(models.Model):
    """One e-mail the service sends: the record is written in the transaction
    of the change it tells about and is the job itself (the outbox row). It
    counts as sent only once the mail server accepted it. `dedupe_key` makes
    reminders go once: a second send with the same key is refused by the
    unique constraint."""

    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    template = models.CharField(max_length=100)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    # Encrypted secrets the body needs while it is sent (sealing.py); erased once sent.
    sealed = models.TextField(blank=True, editable=False)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    message_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sweep tries again; empty once sent or given up."
    )
    # What the e-mail is about (an application, an award…), as the audit log
    # names its targets: the notification log links to it.
    about_type = models.CharField(max_length=100, blank=True, db_index=True)
    about_id = models.CharField(max_length=64, blank=True, db_index=True)
    about_repr = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EmailStatus.values), name="notifications_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notifications_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=~Q(status="sent"),
                name="notifications_unsent_due",
            ),
            # The notification log's order: its first page is read from here.
            models.Index(fields=["-created_at", "-id"], name="notifications_newest"),
        ]

    def __str__(self):
        return f"{self.template} to {', '.join(self.recipients)}"

    @property
    def status_state(self) -> EmailStatus:
        """The status with its `label` and GOV.UK `tag` (the govuk_tag filter)."""
        return EmailStatus(self.status)

    @property
    def is_sent(self) -> bool:
        return self.status == EmailStatus.SENT

    @property
    def has_failed(self) -> bool:
        """Refused, and no longer tried: it waits for staff to send it again."""
        return self.status == EmailStatus.FAILED

    @property
    def was_refused(self) -> bool:
        """Refused on its last attempt, tried again or not."""
        return self.status in (EmailStatus.RETRYING, EmailStatus.FAILED)
