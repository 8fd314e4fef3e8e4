import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire_humber", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east_of_england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


class AgencyType(models.TextChoices):
    LOCAL_AUTHORITY = "la", "Local authority adoption service"
    VOLUNTARY = "vaa", "Voluntary adoption agency"
    REGIONAL = "raa", "Regional adoption agency"
    PARTNERSHIP = "partnership", "Agency partnership"


# Ofsted unique reference numbers: "SC" followed by six digits for social care
# providers (adoption agencies), or six or seven digits.
OFSTED_URN_PATTERN = re.compile(r"^(SC\d{6}|\d{6,7})$")
validate_ofsted_urn = RegexValidator(
    OFSTED_URN_PATTERN,
    "Enter an Ofsted URN in the correct format, like SC123456 or 1234567",
)


class Agency(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    agency_type = models.CharField("type of agency", max_length=20, choices=AgencyType.choices)
    region = models.CharField(max_length=20, choices=Region.choices)
    ofsted_urn = models.CharField(
        "Ofsted URN",
        max_length=8,
        blank=True,
        validators=[validate_ofsted_urn],
        help_text="The unique reference number on your Ofsted registration, like SC123456.",
    )
    website = models.URLField(blank=True)
    email_domain = models.CharField(
        "e-mail domain",
        max_length=100,
        blank=True,
        help_text="The domain of the agency's staff e-mail addresses, like bristol.gov.uk.",
    )
    public_email = models.EmailField("published contact e-mail", blank=True)
    public_phone = models.CharField("published phone number", max_length=30, blank=True)
    postcode = models.CharField("office postcode", max_length=10, blank=True)
    partnership_members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="partnerships",
        help_text="For a partnership: the agencies it applies on behalf of.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(
                fields=["ofsted_urn"],
                condition=~Q(ofsted_urn=""),
                name="applications_agency_unique_ofsted_urn",
            ),
            models.CheckConstraint(
                condition=Q(agency_type__in=AgencyType.values),
                name="applications_agency_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(region__in=Region.values),
                name="applications_agency_region_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_agency_slug(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.ofsted_urn = (self.ofsted_urn or "").strip().upper()
        self.email_domain = (self.email_domain or "").strip().lower().lstrip("@")
        if self.ofsted_urn:
            validate_ofsted_urn(self.ofsted_urn)

    @property
    def is_partnership(self) -> bool:
        return self.agency_type == AgencyType.PARTNERSHIP


def unique_agency_slug(name: str) -> str:
    base = slugify(name)[:200] or "agency"
    slug, counter = base, 2
    while Agency.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Agency member"
        LEAD = "lead", "Agency lead"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="applications_membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["member", "lead"]), name="applications_membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} at {self.agency}"

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD

    def clean(self):
        if self.agency_id and self.user_id is None:
            raise ValidationError("A membership needs a person.")
