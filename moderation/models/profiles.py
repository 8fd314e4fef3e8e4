from django.conf import settings
from django.db import models

from applications.models.agencies import Agency, Region


class Expertise(models.TextChoices):
    LEGAL = "legal", "Legal"
    ACADEMIC = "academic", "Academic"
    PRACTICE = "practice", "Practice leadership"


class ModeratorProfile(models.Model):
    """Makes a person a member of the independent panel of moderators."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_profile"
    )
    expertise = models.JSONField(
        default=list,
        blank=True,
        help_text="Any of: legal, academic, practice.",
    )
    is_chair = models.BooleanField("panel chair", default=False)
    is_active = models.BooleanField(default=True)
    biography = models.TextField(blank=True)
    affiliated_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="affiliated_moderators",
        help_text="Agencies the moderator works for, has worked for, or is otherwise linked to.",
    )
    affiliated_regions = models.JSONField(
        default=list,
        blank=True,
        help_text="Regions where the moderator works or has worked.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self):
        return f"Moderator {self.user}"

    def expertise_labels(self) -> list[str]:
        return [Expertise(value).label for value in self.expertise if value in Expertise.values]

    def region_labels(self) -> list[str]:
        return [Region(value).label for value in self.affiliated_regions if value in Region.values]
