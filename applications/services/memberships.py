"""Every write about who belongs to an agency: roles, removal and grants.

An agency always keeps at least one active lead; the leads are locked together
so two leads demoting each other at once cannot leave none.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from qualitymark.audit.services import field_changes, record_event
from qualitymark.core.permissions import require_perm
from qualitymark.users.roles import forget_roles

from ..models.agencies import Agency, Membership

LAST_LEAD_MESSAGE = (
    "An agency must always have at least one lead. Make another colleague a lead first"
)


def _lock_membership_and_leads(membership: Membership) -> Membership:
    """Lock the agency's active lead memberships along with the one being
    changed, so two leads demoting each other at once cannot leave none."""
    list(
        Membership.objects.select_for_update()
        .filter(agency_id=membership.agency_id, role=Membership.Role.LEAD, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("agency", "user")
        .get(pk=membership.pk)
    )


def _ensure_another_lead(membership: Membership) -> None:
    other_leads = Membership.objects.filter(
        agency_id=membership.agency_id,
        role=Membership.Role.LEAD,
        is_active=True,
        user__is_active=True,
    ).exclude(pk=membership.pk)
    if not other_leads.exists():
        raise ValidationError(LAST_LEAD_MESSAGE, code="last_lead")


@transaction.atomic
def change_membership_role(*, actor, membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose a role"})
    membership = _lock_membership_and_leads(membership)
    require_perm(
        actor,
        "applications.manage_agency_members",
        membership.agency,
        message="You cannot change roles at this agency.",
    )
    if not membership.is_active:
        raise ValidationError("This person is no longer a member of the agency")
    if membership.role == role:
        return membership
    if membership.is_lead:
        _ensure_another_lead(membership)
    record_event(
        actor=actor,
        action="membership.role_changed",
        target=membership,
        changes={"role": [membership.role, role], "agency": membership.agency.name},
    )
    membership.role = role
    membership.save(update_fields=["role"])
    forget_roles(membership.user)
    return membership


@transaction.atomic
def remove_membership(*, actor, membership: Membership) -> Membership:
    """Take someone out of an agency. The membership is kept, inactive, for the record."""
    membership = _lock_membership_and_leads(membership)
    require_perm(
        actor,
        "applications.manage_agency_members",
        membership.agency,
        message="You cannot remove people from this agency.",
    )
    if not membership.is_active:
        return membership
    if membership.is_lead:
        _ensure_another_lead(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action="membership.removed",
        target=membership,
        changes={
            "is_active": [True, False],
            "role": membership.role,
            "agency": membership.agency.name,
        },
    )
    forget_roles(membership.user)
    return membership


@transaction.atomic
def grant_membership(*, actor, user, agency: Agency, role: str) -> Membership:
    """Give someone a role at an agency: create the membership, reactivate it,
    or upgrade a member to lead. A lead is never downgraded by this."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose a role"})
    membership = Membership.objects.select_for_update().filter(user=user, agency=agency).first()
    if membership is None:
        membership = Membership.objects.create(user=user, agency=agency, role=role)
        changes = {"role": [None, role], "is_active": [None, True]}
    else:
        before = {"role": membership.role, "is_active": membership.is_active}
        if not membership.is_active:
            membership.role = role
        elif role == Membership.Role.LEAD:
            membership.role = Membership.Role.LEAD
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
        changes = field_changes(before, {"role": membership.role, "is_active": True})
    changes["agency"] = agency.name
    record_event(actor=actor, action="membership.granted", target=membership, changes=changes)
    forget_roles(user)
    return membership
