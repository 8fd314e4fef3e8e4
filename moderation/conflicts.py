"""Conflicts of interest between moderators and applications.

A moderator is conflicted on an application when they declared a link with
the agency (or any agency in its partnership), declared that they work or have
worked in its region, declared a conflict on the application itself, belong
to the agency, or share its e-mail domain. Conflicted moderators cannot be
assigned and cannot open the application or its files."""

from dataclasses import dataclass

from django.db import models

from applications.models.agencies import Agency, Membership
from applications.models.submissions import Application

from .models.profiles import ModeratorProfile
from .models.workflow import Assignment


@dataclass(frozen=True)
class Conflict:
    reason: str
    declared: bool


def related_agencies(agency: Agency) -> list[Agency]:
    """The agency, its partnership members, and any partnership it belongs to."""
    related = {agency.pk: agency}
    for member in agency.partnership_members.all():
        related[member.pk] = member
    for partnership in agency.partnerships.all():
        related[partnership.pk] = partnership
    return list(related.values())


def conflicts_for(profile: ModeratorProfile, application: Application) -> list[Conflict]:
    return conflicts_by_moderator([profile], application).get(profile.pk, [])


def conflicts_by_moderator(profiles, application: Application) -> dict[int, list[Conflict]]:
    """Every conflict of each of `profiles` with `application`, in a fixed
    number of queries however many moderators there are."""
    agencies = related_agencies(application.agency)
    agency_ids = {agency.pk for agency in agencies}
    names = {agency.pk: agency.name for agency in agencies}
    domains = {agency.email_domain.lower() for agency in agencies if agency.email_domain}
    profile_ids = [profile.pk for profile in profiles]

    affiliations = ModeratorProfile.affiliated_agencies.through.objects.filter(
        moderatorprofile_id__in=profile_ids, agency_id__in=agency_ids
    ).values_list("moderatorprofile_id", "agency_id")
    member_user_ids = set(
        Membership.objects.filter(agency_id__in=agency_ids, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    declared_on_application = set(
        Assignment.objects.filter(
            application=application, moderator_id__in=profile_ids, declared_conflict=True
        ).values_list("moderator_id", flat=True)
    )

    found: dict[int, list[Conflict]] = {}
    for profile_id, agency_id in affiliations:
        found.setdefault(profile_id, []).append(
            Conflict(f"Declared a link with {names[agency_id]}", declared=True)
        )
    region = application.agency.region
    for profile in profiles:
        reasons = found.setdefault(profile.pk, [])
        if region in (profile.affiliated_regions or []):
            reasons.append(
                Conflict(
                    f"Declared working in {application.agency.get_region_display()}",
                    declared=True,
                )
            )
        if profile.pk in declared_on_application:
            reasons.append(Conflict("Declared a conflict on this application", declared=True))
        if profile.user_id in member_user_ids:
            reasons.append(Conflict("Is a member of the agency", declared=False))
        if profile.user.email_domain in domains:
            reasons.append(
                Conflict(
                    f"Shares the e-mail domain {profile.user.email_domain} with the agency",
                    declared=False,
                )
            )
    return {profile_id: reasons for profile_id, reasons in found.items() if reasons}


def is_conflicted(profile: ModeratorProfile, application: Application) -> bool:
    return bool(conflicts_for(profile, application))


LITERAL_AGENCIES = 50

BLOCKED_AGENCIES_SQL = """
WITH linked AS (
    SELECT agency_id FROM {affiliations} WHERE moderatorprofile_id = %(profile)s
    UNION SELECT agency_id FROM {memberships} WHERE user_id = %(user)s AND is_active
    UNION SELECT id FROM {agencies}
        WHERE %(domain)s <> '' AND UPPER(email_domain) = UPPER(%(domain)s)
)
SELECT agency_id FROM linked
UNION SELECT partnership_id FROM {partners} WHERE member_id IN (SELECT agency_id FROM linked)
UNION SELECT member_id FROM {partners} WHERE partnership_id IN (SELECT agency_id FROM linked)
"""


def blocked_agencies(profile: ModeratorProfile) -> list[int]:
    """The agencies whose applications the moderator is conflicted on by a
    link: declared, membership or e-mail domain, each widened to the
    partnerships the agency is in and the members of a partnership. One
    query, kept on the profile (which lives for one request)."""
    if not hasattr(profile, "_blocked_agencies"):
        from django.db import connection

        from applications.models.agencies import PartnershipMember

        sql = BLOCKED_AGENCIES_SQL.format(
            affiliations=ModeratorProfile.affiliated_agencies.through._meta.db_table,
            memberships=Membership._meta.db_table,
            agencies=Agency._meta.db_table,
            partners=PartnershipMember._meta.db_table,
        )
        params = {
            "profile": profile.pk,
            "user": profile.user_id,
            "domain": profile.user.email_domain or "",
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            profile._blocked_agencies = sorted(row[0] for row in cursor.fetchall())
    return profile._blocked_agencies


def _agency_in(ids: list[int]):
    """A literal list lets the planner weigh each agency, which costs
    planning time per item; a long list is handed over as one array, written
    as PostgreSQL's array text (psycopg2 quotes a Python list item by item:
    0.9 ms for a thousand, on each query that uses it)."""
    from django.db import connection

    if len(ids) <= LITERAL_AGENCIES or connection.vendor != "postgresql":
        return ids
    array = "{" + ",".join(str(int(agency)) for agency in ids) + "}"
    return models.expressions.RawSQL("SELECT unnest(%s::integer[])", (array,))


def conflict_condition(profile: ModeratorProfile, application: str = "") -> models.Q:
    """The facts of `conflicts_for` as one SQL condition on applications, so a
    list can leave out (or mark) conflicted rows without loading them all.
    `application` is the path to the application from the queryset's model
    ("" on applications, "application__" on assignments)."""
    own_pk = f"{application.rstrip('_')}_id" if application else "pk"
    condition = models.Q(
        models.Exists(
            Assignment.objects.filter(
                application_id=models.OuterRef(own_pk),
                moderator_id=profile.pk,
                declared_conflict=True,
            )
        )
    )
    blocked = blocked_agencies(profile)
    if blocked:
        condition |= models.Q(**{f"{application}agency_id__in": _agency_in(blocked)})
    if profile.affiliated_regions:
        condition |= models.Q(**{f"{application}agency__region__in": profile.affiliated_regions})
    return condition
