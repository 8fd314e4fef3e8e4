"""The moderator and panel chair roles, registered with qualitymark.users from
ModerationConfig.ready so that the project package never imports this app."""

from django.db.models import Case, Value, When

from applications.models.agencies import Invitation
from qualitymark.users.role_grants import register_role_grant
from qualitymark.users.roles import register_role_reader

from .models.profiles import ModeratorProfile

MODERATOR = Invitation.Role.MODERATOR
PANEL_CHAIR = Invitation.Role.PANEL_CHAIR


def moderator_role_rows(user, tag: int):
    """The person's active profile (one at most), as 'chair' or 'moderator'."""
    return (
        ModeratorProfile.objects.filter(user=user, is_active=True)
        .order_by()  # read on every request: no join for the list order
        .annotate(
            reader=Value(tag),
            kind=Case(When(is_chair=True, then=Value("chair")), default=Value("moderator")),
        )
        .values_list("reader", "pk", "kind")
    )


def read_moderator_roles(profiles: list[tuple[int, str]]) -> dict:
    return {
        "moderator": bool(profiles),
        "panel_chair": any(kind == "chair" for _, kind in profiles),
    }


def holds_moderator_role(*, user, role: str, agency=None) -> bool:
    profile = ModeratorProfile.objects.filter(user=user, is_active=True).first()
    if role == PANEL_CHAIR:
        return profile is not None and profile.is_chair
    return profile is not None


def grant_moderator_role(*, actor, user, role: str, agency=None) -> ModeratorProfile:
    from .services.profiles import grant_moderator

    return grant_moderator(actor=actor, user=user, as_chair=role == PANEL_CHAIR)


def register_moderator_roles() -> None:
    register_role_reader(
        rows=moderator_role_rows, read=read_moderator_roles, fields=("moderator", "panel_chair")
    )
    register_role_grant(
        MODERATOR, PANEL_CHAIR, grant=grant_moderator_role, holds=holds_moderator_role
    )
