"""What roles a person holds, read once per request and cached on the user."""

from collections.abc import Callable
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


# Which app reads which part of a person's roles. The apps that hold the role
# records register here from their AppConfig.ready, so this package imports no app;
# the "users.E001" start-up check fails when a part of Roles has no reader.
_role_readers: dict[str, Callable] = {}
READ_BY_APPS = ("moderator", "panel_chair", "agency_ids", "lead_agency_ids")


def register_role_reader(reader: Callable, *, fields: tuple[str, ...]) -> None:
    """`reader(user)` returns a dict with the given Roles fields."""
    for name in fields:
        if name not in READ_BY_APPS:
            raise ValueError(f"Roles has no app-read field {name!r}")
        _role_readers[name] = reader


def unread_role_fields() -> list[str]:
    return [name for name in READ_BY_APPS if name not in _role_readers]


def roles_of(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_qualitymark_roles", None)
    if cached is not None:
        return cached
    values = {"coram_staff": user.is_coram_staff}
    for reader in dict.fromkeys(_role_readers.values()):
        values.update(reader(user))
    roles = Roles(**values)
    user._qualitymark_roles = roles
    return roles


def forget_roles(user) -> None:
    if hasattr(user, "_qualitymark_roles"):
        del user._qualitymark_roles
