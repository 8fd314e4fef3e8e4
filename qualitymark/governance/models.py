from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class RetentionAction(models.TextChoices):
    DELETE = "delete", "Deleted"
    ANONYMISE = "anonymise", "Personal details removed"
    CLOSE = "close", "Account closed"


class RetentionRule(models.Model):
    """One line of the retention schedule: what is kept, for how long, counted
    from which event, and what happens then. The daily job reads these rows and
    the privacy notice prints them, so the two cannot disagree. `key` names the
    code that carries the rule out (qualitymark.governance.retention)."""

    key = models.SlugField(max_length=50, unique=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    records = models.CharField("what is kept", max_length=300)
    starts_from = models.CharField("counted from", max_length=200)
    period_months = models.PositiveSmallIntegerField(
        "how long (months)", validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    action = models.CharField(
        "then", max_length=10, choices=RetentionAction.choices, editable=False
    )
    why = models.CharField("why we keep it", max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=RetentionAction.values), name="governance_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_months__gte=1), name="governance_period_positive"
            ),
        ]

    def __str__(self):
        return self.records

    @property
    def period_display(self) -> str:
        years, months = divmod(self.period_months, 12)
        parts = []
        if years:
            parts.append(f"{years} year{'s' if years != 1 else ''}")
        if months:
            parts.append(f"{months} month{'s' if months != 1 else ''}")
        return " and ".join(parts)


class ContentView(models.Model):
    """A moderator, panel chair or member of staff opened a page showing an
    application's content (or downloaded part of it). The application is
    referred to by id and reference, not a foreign key, so the record outlives
    an application deleted under the retention schedule."""

    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    application_id = models.BigIntegerField(db_index=True)
    application_reference = models.CharField(max_length=20, blank=True)
    page = models.CharField(max_length=100, help_text="The URL name of the page.")
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["viewer", "viewed_at"])]

    def __str__(self):
        return f"{self.viewer_id} viewed {self.application_reference or self.application_id}"

    @property
    def page_label(self) -> str:
        from .access_log import CONTENT_PAGES

        return CONTENT_PAGES.get(self.page, self.page)
