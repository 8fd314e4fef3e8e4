import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone
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
validate_email_domain = RegexValidator(
    re.compile(r"^(?=.{3,100}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"),
    "Enter an e-mail domain in the correct format, like bristol.gov.uk",
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
        validators=[validate_email_domain],
        help_text="The domain of the agency's staff e-mail addresses, like bristol.gov.uk.",
    )
    public_email = models.EmailField("published contact e-mail", blank=True)
    public_phone = models.CharField("published phone number", max_length=30, blank=True)
    postcode = models.CharField("office postcode", max_length=10, blank=True)
    partnership_members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        through="PartnershipMember",
        through_fields=("partnership", "member"),
        related_name="partnerships",
        help_text="For a partnership: the agencies it applies on behalf of.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        # Moderators sharing an agency's e-mail domain (conflict_condition).
        indexes = [
            models.Index(Upper("email_domain"), name="applications_agency_domain"),
            models.Index(fields=["name"], name="applications_agency_by_name"),
        ]
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


class PartnershipMember(models.Model):
    """One agency in a partnership. The rules that need more than one row (members
    are not partnerships themselves; at least two of them) live in
    applications.services.validate_partnership."""

    partnership = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="member_links")
    member = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="partnership_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "member"], name="applications_partnership_member_unique"
            ),
            models.CheckConstraint(
                condition=~Q(partnership=F("member")),
                name="applications_partnership_not_own_member",
            ),
        ]

    def __str__(self):
        return f"{self.member} in {self.partnership}"


# Slugs that would collide with fixed URL segments such as /staff/agencies/new/.
RESERVED_AGENCY_SLUGS = frozenset({"new", "applications", "invitations", "profile", "members"})


def unique_agency_slug(name: str) -> str:
    base = slugify(name)[:200] or "agency"
    slug, counter = base, 2
    while slug in RESERVED_AGENCY_SLUGS or Agency.objects.filter(slug=slug).exists():
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
            models.UniqueConstraint(
                fields=["user", "agency"], name="applications_membership_unique"
            ),
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


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted nor revoked (pending, or expired without being used)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def pending(self):
        return self.open().filter(expires_at__gt=timezone.now())

    def expired(self):
        return self.open().filter(expires_at__lte=timezone.now())

    def accepted(self):
        return self.filter(accepted_at__isnull=False)

    def revoked(self):
        return self.filter(revoked_at__isnull=False)


class Invitation(models.Model):
    """An e-mailed link that gives one role to whoever proves they own the address.

    Only the SHA-256 hash of the token is stored; the token itself exists only in
    the e-mail, so a copy of the database cannot be used to accept invitations.
    """

    class Role(models.TextChoices):
        AGENCY_MEMBER = "agency_member", "Agency member"
        AGENCY_LEAD = "agency_lead", "Agency lead"
        MODERATOR = "moderator", "Moderator"
        PANEL_CHAIR = "panel_chair", "Panel chair"
        CORAM_STAFF = "coram_staff", "Coram staff"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "agency_member",
                        "agency_lead",
                        "moderator",
                        "panel_chair",
                        "coram_staff",
                    ]
                ),
                name="applications_invitation_role_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=["agency_member", "agency_lead"], agency__isnull=False)
                    | (~Q(role__in=["agency_member", "agency_lead"]) & Q(agency__isnull=True))
                ),
                name="applications_invitation_agency_only_for_agency_roles",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="applications_invitation_not_both_accepted_and_revoked",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="applications_invitation_expires_after_creation",
            ),
            # At most one open invitation per address, role and agency: sending
            # another revokes the previous one.
            models.UniqueConstraint(
                Lower("email"),
                "role",
                "agency",
                condition=Q(
                    accepted_at__isnull=True, revoked_at__isnull=True, agency__isnull=False
                ),
                name="applications_invitation_one_open_per_agency_role",
            ),
            models.UniqueConstraint(
                Lower("email"),
                "role",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True, agency__isnull=True),
                name="applications_invitation_one_open_per_role",
            ),
        ]
        indexes = [models.Index(Lower("email"), name="applications_invitation_email")]

    def __str__(self):
        where = f" at {self.agency}" if self.agency_id else ""
        return f"{self.get_role_display()}{where} for {self.email}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def status_tag(self) -> str:
        """The GOV.UK tag colour of its status."""
        return INVITATION_TAGS[self.status]


INVITATION_TAGS = {
    Invitation.Status.PENDING: "govuk-tag--blue",
    Invitation.Status.ACCEPTED: "govuk-tag--green",
    Invitation.Status.EXPIRED: "govuk-tag--grey",
    Invitation.Status.REVOKED: "govuk-tag--red",
}

AGENCY_INVITATION_ROLES = frozenset({Invitation.Role.AGENCY_MEMBER, Invitation.Role.AGENCY_LEAD})
MEMBERSHIP_ROLE_FOR_INVITATION = {
    Invitation.Role.AGENCY_MEMBER: Membership.Role.MEMBER,
    Invitation.Role.AGENCY_LEAD: Membership.Role.LEAD,
}


def hash_invitation_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def new_invitation_token() -> tuple[str, str]:
    """A fresh (raw token, hash) pair. The raw token goes in the e-mail only."""
    raw_token = secrets.token_urlsafe(32)
    return raw_token, hash_invitation_token(raw_token)


def invitation_expiry(start=None):
    days = getattr(settings, "INVITATION_VALID_DAYS", 14)
    return (start or timezone.now()) + timedelta(days=days)
