"""What roles a person holds, read once per request and cached on the user."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Roles:
    coram_staff: bool = False
    moderator: bool = False
    panel_chair: bool = False
    agency_ids: frozenset[int] = field(default_factory=frozenset)
    lead_agency_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def agency_user(self) -> bool:
        return bool(self.agency_ids)

    @property
    def needs_second_factor(self) -> bool:
        return self.coram_staff or self.moderator or self.panel_chair

    @property
    def names(self) -> list[str]:
        names = []
        if self.lead_agency_ids:
            names.append("Agency lead")
        if self.agency_ids - self.lead_agency_ids:
            names.append("Agency member")
        if self.moderator:
            names.append("Moderator")
        if self.panel_chair:
            names.append("Panel chair")
        if self.coram_staff:
            names.append("Coram staff")
        return names


def roles_of(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_qualitymark_roles", None)
    if cached is not None:
        return cached
    from applications.models import Membership
    from moderation.models import ModeratorProfile

    memberships = list(
        Membership.objects.filter(user=user, is_active=True).values_list("agency_id", "role")
    )
    profile = (
        ModeratorProfile.objects.filter(user=user, is_active=True)
        .values_list("is_chair", flat=True)
        .first()
    )
    roles = Roles(
        coram_staff=user.is_coram_staff,
        moderator=profile is not None,
        panel_chair=bool(profile),
        agency_ids=frozenset(agency_id for agency_id, _ in memberships),
        lead_agency_ids=frozenset(
            agency_id for agency_id, role in memberships if role == Membership.Role.LEAD
        ),
    )
    user._qualitymark_roles = roles
    return roles


def forget_roles(user) -> None:
    if hasattr(user, "_qualitymark_roles"):
        del user._qualitymark_roles
