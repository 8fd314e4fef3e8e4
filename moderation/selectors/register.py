"""Reads for the public register, certificate verification and badges.

Everything public starts from ``published_awards()``: awards Coram staff
have published, whatever their status since (expired, suspended, withdrawn
and replaced awards stay listed and say so). A page's number of queries does
not depend on how many awards there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from applications.models.agencies import AgencyType, Region
from applications.models.submissions import Level

from ..award_states import VALID_AWARD_STATUSES
from ..models.awards import LIVE_AWARD_STATUSES, Award, AwardStatus

__all__ = [
    "REGISTER_FIELDS",
    "REGISTER_SORTS",
    "RegisterFilters",
    "RegisterSummary",
    "award_for_token",
    "badge_award",
    "published_awards",
    "register_agency",
    "register_awards",
    "register_rows",
    "register_summary",
]


def published_awards(today: date | None = None) -> QuerySet[Award]:
    """Published awards with ``public_status``: the status as of ``today`` (an
    award past its last day reads as expired even before the nightly job)."""
    today = today or timezone.localdate()
    return (
        Award.objects.filter(is_published=True)
        .select_related("agency")
        .annotate(
            public_status=Case(
                When(
                    Q(status__in=LIVE_AWARD_STATUSES) & Q(expires_on__lt=today),
                    then=Value(AwardStatus.EXPIRED.value),
                ),
                default=F("status"),
                output_field=CharField(),
            )
        )
    )


# Sort keys offered on the register, with their labels, in the order shown.
REGISTER_SORTS = {
    "name": ("Agency name (A to Z)", ("agency__name", "-awarded_on", "id")),
    "-name": ("Agency name (Z to A)", ("-agency__name", "-awarded_on", "id")),
    "-awarded": ("Most recently awarded", ("-awarded_on", "agency__name", "id")),
    "expires": ("Expiry date (soonest first)", ("expires_on", "agency__name", "id")),
    "region": ("Region", ("agency__region", "agency__name", "id")),
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class RegisterFilters:
    query: str = ""
    region: str = ""
    agency_type: str = ""
    level: str = ""
    status: str = ""
    sort: str = DEFAULT_SORT

    def as_key(self) -> dict:
        return {
            "q": self.query,
            "region": self.region,
            "type": self.agency_type,
            "level": self.level,
            "status": self.status,
            "sort": self.sort,
        }

    @property
    def is_filtered(self) -> bool:
        return any([self.query, self.region, self.agency_type, self.level, self.status])


def register_awards(filters: RegisterFilters, *, today: date | None = None) -> QuerySet[Award]:
    awards = published_awards(today)
    if filters.query:
        awards = awards.filter(agency__name__icontains=filters.query)
    if filters.region:
        awards = awards.filter(agency__region=filters.region)
    if filters.agency_type:
        awards = awards.filter(agency__agency_type=filters.agency_type)
    if filters.level:
        awards = awards.filter(level=filters.level)
    if filters.status:
        awards = awards.filter(public_status=filters.status)
    _, ordering = REGISTER_SORTS.get(filters.sort, REGISTER_SORTS[DEFAULT_SORT])
    return awards.order_by(*ordering)


@dataclass
class SummaryRow:
    code: str
    label: str
    full: int = 0
    working_towards: int = 0

    @property
    def total(self) -> int:
        return self.full + self.working_towards


@dataclass
class RegisterSummary:
    by_region: list[SummaryRow] = field(default_factory=list)
    by_type: list[SummaryRow] = field(default_factory=list)
    total: SummaryRow = field(default_factory=lambda: SummaryRow("", "All agencies"))


def register_summary(today: date | None = None) -> RegisterSummary:
    """Current awards counted by region and by type of agency: one query."""
    counts = (
        published_awards(today)
        .filter(public_status__in=VALID_AWARD_STATUSES)
        .values("agency__region", "agency__agency_type", "level")
        .annotate(count=Count("id"))
        .order_by()
    )
    regions = {code: SummaryRow(code, label) for code, label in Region.choices}
    types = {code: SummaryRow(code, label) for code, label in AgencyType.choices}
    summary = RegisterSummary(by_region=list(regions.values()), by_type=list(types.values()))
    for row in counts:
        attribute = "full" if row["level"] == Level.FULL else "working_towards"
        for target in (
            regions.get(row["agency__region"]),
            types.get(row["agency__agency_type"]),
            summary.total,
        ):
            if target is not None:
                setattr(target, attribute, getattr(target, attribute) + row["count"])
    return summary


def register_agency(slug: str, today: date | None = None):
    """(agency, its published awards newest first) or None if it has none."""
    awards = list(
        published_awards(today)
        .filter(agency__slug=slug)
        .select_related("superseded_by")
        .order_by("-awarded_on", "-id")
    )
    if not awards:
        return None
    return awards[0].agency, awards


def award_for_token(token: str) -> Award | None:
    """Any award, published or not, by its verification token; None if unknown."""
    if not token or len(token) > 64:
        return None
    return (
        Award.objects.select_related("agency", "superseded_by")
        .filter(verification_token=token)
        .first()
    )


def badge_award(slug: str, today: date | None = None) -> Award | None:
    """The award a badge shows: the agency's live published award if any, else
    its most recent published one."""
    today = today or timezone.localdate()
    return (
        published_awards(today)
        .filter(agency__slug=slug)
        .annotate(
            live_rank=Case(
                When(status__in=LIVE_AWARD_STATUSES, then=Value(0)),
                default=Value(1),
            )
        )
        .order_by("live_rank", "-awarded_on", "-id")
        .first()
    )


# --- The downloads (CSV and JSON) -------------------------------------------------------------

# The fields of /register.csv and /register.json, in order. Stable: new fields
# may be added at the end; none is renamed or removed without a new schema version.
REGISTER_SCHEMA_VERSION = 1
REGISTER_FIELDS = [
    ("certificate_number", "The certificate's number, like EPQM-C-2026-0042."),
    ("agency_name", "The agency's name."),
    ("agency_slug", "A short, stable identifier for the agency, used in its register address."),
    ("agency_type", "The type of agency: la, vaa, raa or partnership."),
    ("agency_type_label", "The type of agency in words."),
    ("region", "The agency's region in England, as a code (for example south_west)."),
    ("region_label", "The region in words."),
    ("level", "The level awarded: full or working_towards."),
    ("level_label", "The level in words: Full or Working Towards."),
    (
        "status",
        "The award's status on the day of the download: current, expired, suspended, "
        "withdrawn or superseded (replaced by a later award).",
    ),
    ("status_label", "The status in words."),
    ("awarded_on", "The date of the award (YYYY-MM-DD)."),
    ("expires_on", "The last day the award is valid (YYYY-MM-DD)."),
    ("verify_url", "The certificate's verification page."),
    ("register_url", "The agency's page on the register, with its award history."),
]


def register_rows(filters: RegisterFilters, *, today: date | None = None) -> list[dict]:
    """The download's rows in one query, as plain values (no model objects):
    the register's 5,000 awards are read and laid out in a few milliseconds."""
    awards = register_awards(filters, today=today).values_list(
        "number",
        "agency__name",
        "agency__slug",
        "agency__agency_type",
        "agency__region",
        "level",
        "public_status",
        "awarded_on",
        "expires_on",
        "verification_token",
    )
    types, regions = dict(AgencyType.choices), dict(Region.choices)
    levels, statuses = dict(Level.choices), dict(AwardStatus.choices)
    verify = settings.SITE_URL + reverse("public:verify", args=["TOKEN"]).replace("TOKEN", "{}")
    agency_page = settings.SITE_URL + reverse("public:agency", args=["slug"]).replace("slug", "{}")
    return [
        {
            "certificate_number": number,
            "agency_name": name,
            "agency_slug": slug,
            "agency_type": agency_type,
            "agency_type_label": types.get(agency_type, agency_type),
            "region": region,
            "region_label": regions.get(region, region),
            "level": level,
            "level_label": levels.get(level, level),
            "status": status,
            "status_label": statuses[status],
            "awarded_on": awarded_on.isoformat(),
            "expires_on": expires_on.isoformat(),
            "verify_url": verify.format(token),
            "register_url": agency_page.format(slug),
        }
        for (
            number,
            name,
            slug,
            agency_type,
            region,
            level,
            status,
            awarded_on,
            expires_on,
            token,
        ) in awards
    ]
