"""Every write about agencies: their profile, partnerships and closing an account.

Each function checks who is acting, keeps the invariants that span several rows
and records an audit event in the same transaction.
"""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from qualitymark.audit.services import field_changes, record_event
from qualitymark.core.permissions import require_perm

from ..models.agencies import Agency, AgencyType, Invitation, unique_agency_slug
from .invitations import mark_invitation_revoked

# Fields an agency lead may change on their own agency's profile. The name,
# type, region and Ofsted URN are the agency's identity: only Coram staff edit them.
LEAD_EDITABLE_AGENCY_FIELDS = (
    "website",
    "email_domain",
    "public_email",
    "public_phone",
    "postcode",
    "partnership_members",
)
STAFF_EDITABLE_AGENCY_FIELDS = (
    "name",
    "agency_type",
    "region",
    "ofsted_urn",
    *LEAD_EDITABLE_AGENCY_FIELDS,
)
AGENCY_FIELDS = STAFF_EDITABLE_AGENCY_FIELDS


# --- Agencies -----------------------------------------------------------------------


def validate_partnership(*, agency_type: str, members, agency: Agency | None = None) -> None:
    """A partnership applies for at least two individual agencies; it is never
    its own member and never contains another partnership. Only partnerships
    have members, and an agency that belongs to a partnership cannot become one."""
    members = list(members)
    if agency_type != AgencyType.PARTNERSHIP:
        if members:
            raise ValidationError(
                {
                    "partnership_members": "Only an agency partnership can have member "
                    "agencies. Remove the member agencies, or make the type a partnership"
                }
            )
        return
    errors = []
    if agency is not None and agency.pk and any(member.pk == agency.pk for member in members):
        errors.append("A partnership cannot be one of its own members")
    nested = sorted(member.name for member in members if member.is_partnership)
    if nested:
        errors.append(
            "Member agencies must be individual agencies, not partnerships: " + ", ".join(nested)
        )
    if len({member.pk for member in members}) < 2:
        errors.append("Choose at least two member agencies for the partnership")
    if errors:
        raise ValidationError({"partnership_members": errors})
    if agency is not None and agency.pk:
        containing = sorted(agency.partnerships.values_list("name", flat=True))
        if containing:
            raise ValidationError(
                {
                    "agency_type": "This agency is a member of "
                    + ", ".join(containing)
                    + ", so it cannot itself be a partnership"
                }
            )


def _normalise_agency_values(values: dict) -> dict:
    values = dict(values)
    for name in ("name", "website", "public_email", "public_phone", "postcode"):
        if name in values and values[name] is not None:
            values[name] = values[name].strip()
    if "ofsted_urn" in values:
        values["ofsted_urn"] = (values["ofsted_urn"] or "").strip().upper()
    if "email_domain" in values:
        values["email_domain"] = (values["email_domain"] or "").strip().lower().lstrip("@")
    if "public_email" in values:
        values["public_email"] = (values["public_email"] or "").lower()
    if "postcode" in values:
        values["postcode"] = (values["postcode"] or "").upper()
    return values


def _agency_state(agency: Agency) -> dict:
    state = {name: getattr(agency, name) for name in AGENCY_FIELDS if name != "partnership_members"}
    state["partnership_members"] = ", ".join(
        sorted(agency.partnership_members.values_list("name", flat=True))
    )
    state["is_active"] = agency.is_active
    return state


@transaction.atomic
def create_agency(*, actor, **values) -> Agency:
    require_perm(
        actor, "applications.manage_agencies", message="Only Coram staff can add agencies."
    )
    unknown = set(values) - set(STAFF_EDITABLE_AGENCY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agency fields: {', '.join(sorted(unknown))}")
    values = _normalise_agency_values(values)
    members = list(values.pop("partnership_members", None) or [])
    validate_partnership(agency_type=values.get("agency_type"), members=members)
    agency = Agency(**values)
    agency.slug = unique_agency_slug(agency.name)
    agency.full_clean()
    agency.save()
    agency.partnership_members.set(members)
    record_event(
        actor=actor,
        action="agency.created",
        target=agency,
        changes=field_changes({}, _agency_state(agency)),
    )
    return agency


@transaction.atomic
def update_agency(*, actor, agency: Agency, **values) -> Agency:
    """Change an agency's profile. Leads may change only the contact details,
    e-mail domain and partnership members; Coram staff may change everything."""
    unknown = set(values) - set(STAFF_EDITABLE_AGENCY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agency fields: {', '.join(sorted(unknown))}")
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if rules.has_perm("applications.manage_agencies", actor):
        allowed = set(STAFF_EDITABLE_AGENCY_FIELDS)
    elif rules.has_perm("applications.change_agency_profile", actor, agency):
        allowed = set(LEAD_EDITABLE_AGENCY_FIELDS)
    else:
        raise PermissionDenied("You cannot change this agency.")
    before = _agency_state(agency)
    values = _normalise_agency_values(values)
    forbidden = {name for name in values if name not in allowed and values[name] != before[name]}
    if forbidden:
        raise PermissionDenied(
            "Only Coram staff can change an agency's " + ", ".join(sorted(forbidden)) + "."
        )
    members = values.pop("partnership_members", None)
    for name, value in values.items():
        setattr(agency, name, value)
    if members is None:
        members = list(agency.partnership_members.all())
    validate_partnership(agency_type=agency.agency_type, members=members, agency=agency)
    agency.full_clean()
    agency.save()
    agency.partnership_members.set(members)
    changes = field_changes(before, _agency_state(agency))
    if changes:
        record_event(actor=actor, action="agency.updated", target=agency, changes=changes)
    return agency


@transaction.atomic
def deactivate_agency(*, actor, agency: Agency) -> Agency:
    """Close an agency's account: its people lose access to it and its pending
    invitations are revoked. Nothing is deleted."""
    require_perm(
        actor, "applications.manage_agencies", message="Only Coram staff can deactivate agencies."
    )
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if not agency.is_active:
        return agency
    agency.is_active = False
    agency.save(update_fields=["is_active", "updated_at"])
    record_event(
        actor=actor,
        action="agency.deactivated",
        target=agency,
        changes={"is_active": [True, False]},
    )
    for invitation in Invitation.objects.pending().filter(agency=agency).select_for_update():
        mark_invitation_revoked(actor=actor, invitation=invitation, reason="agency deactivated")
    return agency


@transaction.atomic
def reactivate_agency(*, actor, agency: Agency) -> Agency:
    require_perm(
        actor, "applications.manage_agencies", message="Only Coram staff can reactivate agencies."
    )
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.is_active:
        return agency
    agency.is_active = True
    agency.save(update_fields=["is_active", "updated_at"])
    record_event(
        actor=actor,
        action="agency.reactivated",
        target=agency,
        changes={"is_active": [False, True]},
    )
    return agency
