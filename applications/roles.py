"""The agency roles a person holds, registered with qualitymark.users from
ApplicationsConfig.ready so that the project package never imports this app."""

from django.core import checks
from django.db.models import Value

from qualitymark.users.role_grants import register_role_grant, roles_without_grant
from qualitymark.users.roles import register_role_reader

from .models.agencies import (
    AGENCY_INVITATION_ROLES,
    MEMBERSHIP_ROLE_FOR_INVITATION,
    Invitation,
    Membership,
)


def agency_role_rows(user, tag: int):
    return (
        Membership.objects.filter(user=user, is_active=True)
        .order_by()  # read on every request: no join for the list order
        .annotate(reader=Value(tag))
        .values_list("reader", "agency_id", "role")
    )


def read_agency_roles(memberships: list[tuple[int, str]]) -> dict:
    return {
        "agency_ids": frozenset(agency_id for agency_id, _ in memberships),
        "lead_agency_ids": frozenset(
            agency_id for agency_id, role in memberships if role == Membership.Role.LEAD
        ),
    }


def holds_agency_role(*, user, role: str, agency) -> bool:
    membership = Membership.objects.filter(user=user, agency=agency, is_active=True).first()
    if membership is None:
        return False
    return membership.is_lead or role == Invitation.Role.AGENCY_MEMBER


def grant_agency_role(*, actor, user, role: str, agency):
    from .services.memberships import grant_membership

    return grant_membership(
        actor=actor, user=user, agency=agency, role=MEMBERSHIP_ROLE_FOR_INVITATION[role]
    )


def register_agency_roles() -> None:
    register_role_reader(
        rows=agency_role_rows, read=read_agency_roles, fields=("agency_ids", "lead_agency_ids")
    )
    register_role_grant(*AGENCY_INVITATION_ROLES, grant=grant_agency_role, holds=holds_agency_role)


@checks.register()
def every_invited_role_can_be_granted(app_configs, **kwargs):
    return [
        checks.Error(
            f"No app registers how to grant the invited role {role!r}",
            hint="Call qualitymark.users.role_grants.register_role_grant from the app's "
            "AppConfig.ready.",
            id="applications.E001",
        )
        for role in roles_without_grant(Invitation.Role.values)
    ]
