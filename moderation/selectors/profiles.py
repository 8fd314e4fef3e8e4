from django.db import connection
from django.db.models import Count, Q, QuerySet

from qualitymark.users.roles import roles_of

from ..models.profiles import ModeratorProfile


def own_moderator_profile(user) -> ModeratorProfile | None:
    """The person's active moderator profile, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ModeratorProfile.objects.filter(user=user, is_active=True).first()


def active_moderators() -> QuerySet[ModeratorProfile]:
    return ModeratorProfile.objects.filter(is_active=True, user__is_active=True).select_related(
        "user"
    )


def moderator_profiles_visible_to(
    actor, *, query: str = "", expertise: str = "", status: str = ""
) -> QuerySet[ModeratorProfile]:
    """Every moderator profile for Coram staff; nothing for anyone else."""
    if not roles_of(actor).coram_staff:
        return ModeratorProfile.objects.none()
    profiles = ModeratorProfile.objects.select_related("user")
    if query:
        profiles = profiles.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    if status == "active":
        profiles = profiles.filter(is_active=True)
    elif status == "chair":
        profiles = profiles.filter(is_active=True, is_chair=True)
    elif status == "inactive":
        profiles = profiles.filter(is_active=False)
    profiles = profiles.order_by("-is_active", "user__full_name", "user__email")
    if expertise:
        profiles = _with_expertise(profiles, expertise)
    return profiles


def with_affiliated_agency_counts(profiles) -> list[ModeratorProfile]:
    """A page of profiles, each with its `affiliated_agency_count`, counted in
    one query for the page (a count per row read the whole table of links
    for each row once it was small enough for the planner not to use its index)."""
    profiles = list(profiles)
    counts = {}
    if profiles:
        counts = dict(
            ModeratorProfile.affiliated_agencies.through.objects.filter(
                moderatorprofile_id__in=[profile.pk for profile in profiles]
            )
            .order_by()
            .values("moderatorprofile_id")
            .annotate(n=Count("pk"))
            .values_list("moderatorprofile_id", "n")
        )
    for profile in profiles:
        profile.affiliated_agency_count = counts.get(profile.pk, 0)
    return profiles


def _with_expertise(profiles, expertise: str):
    """The profiles whose expertise list holds `expertise`: JSON containment on
    PostgreSQL. SQLite (the demo) has no such lookup, so there the few demo
    profiles are read and filtered one by one."""
    if connection.vendor == "postgresql":
        return profiles.filter(expertise__contains=[expertise])
    ids = [pk for pk, held in profiles.values_list("pk", "expertise") if expertise in held]
    return profiles.filter(pk__in=ids)
