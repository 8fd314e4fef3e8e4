"""Giving someone a role, whatever app keeps the record of it.

An accepted invitation grants a role: an agency membership (applications), a
moderator profile (moderation) or Coram staff rights (here). Each app registers
how to grant and recognise its roles from its AppConfig.ready, so this package
imports no app; the "applications.E001" start-up check fails when a role that
can be invited to has no registered grant.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class RoleGrant:
    grant: Callable  # grant(*, actor, user, role, agency) -> the record granted
    holds: Callable  # holds(*, user, role, agency) -> bool


_grants: dict[str, RoleGrant] = {}


def register_role_grant(*roles: str, grant: Callable, holds: Callable) -> None:
    for role in roles:
        _grants[role] = RoleGrant(grant=grant, holds=holds)


def roles_without_grant(roles) -> list[str]:
    return [role for role in roles if role not in _grants]


def grant_role(*, actor, user, role: str, agency=None):
    """Give a person a role. Each grant is audited by the service that does it."""
    if role not in _grants:
        raise ValidationError("Unknown role")
    return _grants[role].grant(actor=actor, user=user, role=role, agency=agency)


def holds_role(*, user, role: str, agency=None) -> bool:
    return role in _grants and _grants[role].holds(user=user, role=role, agency=agency)
