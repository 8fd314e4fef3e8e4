"""Awards, their certificates and the register.

An award comes from a panel decision of Full or Working Towards. It is never
deleted: what happens to it afterwards (expiry, suspension, withdrawal,
replacement by a renewal, an upgrade or a corrected decision) is its status,
with a reason, and every change is audited.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from applications.models.agencies import Agency
from applications.models.submissions import Application, Level

from ..award_states import (
    EXPIRING_AWARD_STATUSES,
    LIVE_AWARD_STATUSES,
    STATUSES_WITHOUT_REASON,
    TRANSITIONS,
    AwardState,
    AwardStatus,
    refusal,
    state_of,
)
from .workflow import Decision

__all__ = [
    "LIVE_AWARD_STATUSES",
    "Award",
    "AwardSequence",
    "AwardStatus",
    "Certificate",
    "new_verification_token",
]


def new_verification_token() -> str:
    return secrets.token_urlsafe(24)


class AwardSequence(models.Model):
    """The last certificate number used each year (EPQM-C-2026-0042)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Award(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="awards")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="awards")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="award")
    level = models.CharField(max_length=20, choices=Level.choices)
    number = models.CharField("certificate number", max_length=20, unique=True)
    verification_token = models.CharField(
        max_length=64, unique=True, default=new_verification_token, editable=False
    )
    awarded_on = models.DateField()
    expires_on = models.DateField(help_text="The last day on which the award is valid.")
    status = models.CharField(
        max_length=20, choices=AwardStatus.choices, default=AwardStatus.CURRENT
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
        help_text="The award that replaced this one (a renewal, an upgrade or a correction).",
    )
    is_published = models.BooleanField(default=False)
    first_published_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AwardStatus.values), name="moderation_award_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(level__in=Level.values), name="moderation_award_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("awarded_on")),
                name="moderation_award_expires_after_award",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[str(code) for code in STATUSES_WITHOUT_REASON])
                | ~Q(status_reason=""),
                name="moderation_award_status_change_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="moderation_published_award_has_date",
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(status__in=[str(code) for code in LIVE_AWARD_STATUSES]),
                name="moderation_one_live_award_per_agency",
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "status"], name="moderation_award_register"),
            models.Index(fields=["expires_on"], name="moderation_award_expiry"),
            models.Index(fields=["-awarded_on", "-id"], name="moderation_awards_newest"),
        ]

    def __str__(self):
        return f"{self.number}: {self.get_level_display()} for {self.agency}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_AWARD_STATUSES

    def effective_status(self, today=None) -> str:
        """The status as of today: a current award past its last day is expired
        even before the nightly job has marked it."""
        today = today or timezone.localdate()
        if self.status in EXPIRING_AWARD_STATUSES and self.expires_on < today:
            return AwardStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return AwardStatus(self.effective_status()).label

    @property
    def state(self) -> AwardState:
        """What the award's status today means (moderation.award_states): the
        register's ``public_status`` if annotated, else the effective status."""
        return state_of(getattr(self, "public_status", None) or self.effective_status())

    def allows(self, transition: str) -> bool:
        """Whether the state table allows the named transition from here."""
        return (
            refusal(
                TRANSITIONS[transition],
                status=self.status,
                effective_status=self.effective_status(),
                is_published=self.is_published,
            )
            is None
        )

    @property
    def awaits_publication(self) -> bool:
        return self.status == AwardStatus.PENDING

    @property
    def register_headline(self) -> str:
        return self.state.headline.format(
            agency=self.agency.name,
            level=self.get_level_display(),
            date=f"{self.expires_on:%-d %B %Y}",
        )

    @property
    def verify_text(self) -> str:
        replacement = (
            f" by certificate {self.superseded_by.number}" if self.superseded_by_id else ""
        )
        return self.state.verify_text.format(
            agency=self.agency.name, date=f"{self.expires_on:%-d %B %Y}", replacement=replacement
        )

    @property
    def level_phrase(self) -> str:
        """ "the Full level" / "the Working Towards level"."""
        return f"the {self.get_level_display()} level"

    @property
    def is_working_towards(self) -> bool:
        return self.level == Level.WORKING_TOWARDS

    @property
    def verify_path(self) -> str:
        from django.urls import reverse

        return reverse("public:verify", args=[self.verification_token])

    @property
    def verify_url(self) -> str:
        return settings.SITE_URL + self.verify_path


class Certificate(models.Model):
    """One rendering of an award's certificate. Regenerating makes a new
    version and keeps the old one on record; only one is current."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="certificates")
    version = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    reason = models.TextField(blank=True)
    generated_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["award", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "version"], name="moderation_certificate_version_unique"
            ),
            models.UniqueConstraint(
                fields=["award"],
                condition=Q(is_current=True),
                name="moderation_one_current_certificate_per_award",
            ),
        ]

    def __str__(self):
        return f"Certificate {self.award.number} v{self.version}"

    @property
    def download_name(self) -> str:
        return f"{self.award.number}-certificate-v{self.version}.pdf"
