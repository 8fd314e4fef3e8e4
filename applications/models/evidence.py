from django.conf import settings
from django.db import models
from django.db.models import Q

from .submissions import Application


class ScanStatus(models.TextChoices):
    PENDING = "pending", "Checking"
    CLEAN = "clean", "Ready"
    INFECTED = "infected", "Quarantined"
    ERROR = "error", "Could not be checked"
    NOT_SCANNED = "not_scanned", "Ready (not virus-scanned)"


SERVABLE_SCAN_STATUSES = (ScanStatus.CLEAN, ScanStatus.NOT_SCANNED)


class EvidenceFileQuerySet(models.QuerySet):
    def current(self):
        return self.filter(removed_at__isnull=True)


class EvidenceFile(models.Model):
    """A supporting document. Stored under a random key; the original name is
    kept, sanitised, only as metadata for display and download."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="evidence_files"
    )
    section_key = models.CharField(max_length=20)
    storage_key = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    scan_status = models.CharField(
        max_length=20, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    scan_signature = models.CharField(max_length=200, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    extracted_text = models.TextField(blank=True)
    text_extracted = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["application", "section_key"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(scan_status__in=ScanStatus.values),
                name="applications_evidence_scan_status_valid",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="applications_evidence_not_empty"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_servable(self) -> bool:
        return self.scan_status in SERVABLE_SCAN_STATUSES and self.removed_at is None

    @property
    def is_being_checked(self) -> bool:
        return self.scan_status == ScanStatus.PENDING

    @property
    def is_quarantined(self) -> bool:
        return self.scan_status == ScanStatus.INFECTED

    @property
    def could_not_be_checked(self) -> bool:
        return self.scan_status == ScanStatus.ERROR


class IdentifierConfirmation(models.Model):
    """An agency lead's confirmation that a flagged piece of text does not
    identify anyone (e.g. a staff member's name, a public office postcode)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="identifier_confirmations"
    )
    source = models.CharField(
        max_length=60, help_text="The section key, or 'file:<id>' for an evidence file."
    )
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=255)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "source", "kind", "text"],
                name="applications_one_confirmation_per_identifier",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.text!r} in {self.source}"
