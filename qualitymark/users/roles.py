"""What roles a person holds, read once per request (in one query) and cached
on the user."""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection


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
#
# A reader is two functions: `rows(user, tag)` gives a queryset of
# (tag, number, text) rows (values_list), and `read(rows)` turns that reader's
# (number, text) pairs into a dict of Roles fields. Every reader's rows, and
# whether the person has an authenticator app, are read in one UNION ALL query.
_role_readers: dict[str, "RoleReader"] = {}
READ_BY_APPS = ("moderator", "panel_chair", "agency_ids", "lead_agency_ids")
AUTHENTICATOR_TAG = -1


@dataclass(frozen=True)
class RoleReader:
    rows: Callable
    read: Callable


def register_role_reader(*, rows: Callable, read: Callable, fields: tuple[str, ...]) -> None:
    reader = RoleReader(rows, read)
    for name in fields:
        if name not in READ_BY_APPS:
            raise ValueError(f"Roles has no app-read field {name!r}")
        _role_readers[name] = reader


def unread_role_fields() -> list[str]:
    return [name for name in READ_BY_APPS if name not in _role_readers]


def _authenticator_rows(user):
    from allauth.mfa.models import Authenticator
    from django.db.models import Value

    return (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        .order_by()
        .annotate(reader=Value(AUTHENTICATOR_TAG))
        .values_list("reader", "pk", "type")
    )


# Stands for the person in the compiled query (no account has a negative id).
STAND_IN_ID = -918_273_645


@functools.lru_cache(maxsize=8)
def _compiled_role_query(vendor: str, readers: tuple[RoleReader, ...]) -> tuple[str, list, list]:
    """The UNION ALL of every reader's rows, compiled once per process: it is
    the same query for everyone but the person's id, and building and compiling
    it through the ORM was most of what reading roles cost on every page.
    Returns the SQL, its parameters and where the person's id goes in them."""
    from django.contrib.auth import get_user_model

    stand_in = get_user_model()(pk=STAND_IN_ID)
    queries = [reader.rows(stand_in, tag) for tag, reader in enumerate(readers)]
    union = _authenticator_rows(stand_in).union(*queries, all=True)
    sql, params = union.query.get_compiler(connection=connection).as_sql()
    places = [index for index, value in enumerate(params) if value == STAND_IN_ID]
    return sql, list(params), places


def _role_rows(user, readers: tuple[RoleReader, ...]) -> list[tuple]:
    sql, params, places = _compiled_role_query(connection.vendor, readers)
    params = list(params)
    for index in places:
        params[index] = user.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def roles_of(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_qualitymark_roles", None)
    if cached is not None:
        return cached
    readers = tuple(dict.fromkeys(_role_readers.values()))
    rows_by_tag: dict[int, list[tuple]] = {}
    for tag, number, text in _role_rows(user, readers):
        rows_by_tag.setdefault(tag, []).append((number, text))
    values = {"coram_staff": user.is_coram_staff}
    for tag, reader in enumerate(readers):
        values.update(reader.read(rows_by_tag.get(tag, [])))
    roles = Roles(**values)
    user._qualitymark_roles = roles
    user._qualitymark_has_authenticator = AUTHENTICATOR_TAG in rows_by_tag
    return roles


def has_authenticator(user) -> bool:
    """Whether the person has an authenticator app, read with their roles."""
    roles_of(user)
    return getattr(user, "_qualitymark_has_authenticator", False)


def forget_roles(user) -> None:
    for name in ("_qualitymark_roles", "_qualitymark_has_authenticator"):
        if hasattr(user, name):
            delattr(user, name)
