from django.db import models


class SentEmail(models.Model):
    """One e-mail the service sent. `dedupe_key` makes reminders go once: a
    second send with the same key is refused by the unique constraint."""

    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    template = models.CharField(max_length=100)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.template} to {', '.join(self.recipients)}"
