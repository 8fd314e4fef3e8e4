"""Every write about agencies, memberships and invitations.

Each function checks who is acting, keeps the invariants that span several rows
(partnership membership, an agency always has a lead, one open invitation per
address and role) and records an audit event in the same transaction.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from moderation.models import ModeratorProfile
from moderation.services import grant_moderator
from qualitymark.audit.services import field_changes, record_event
from qualitymark.notifications.services import send_and_record
from qualitymark.users.models import User
from qualitymark.users.roles import forget_roles
from qualitymark.users.rules import is_coram_staff
from qualitymark.users.services import (
    create_invited_user,
    grant_coram_staff,
    mark_email_verified,
)

from .. import rules as agency_rules
from ..models import (
    AGENCY_INVITATION_ROLES,
    MEMBERSHIP_ROLE_FOR_INVITATION,
    Agency,
    AgencyType,
    Invitation,
    Membership,
    invitation_expiry,
    new_invitation_token,
    unique_agency_slug,
)

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
    if not agency_rules.can_manage_agencies(actor):
        raise PermissionDenied("Only Coram staff can add agencies.")
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
    if is_coram_staff(actor):
        allowed = set(STAFF_EDITABLE_AGENCY_FIELDS)
    elif agency_rules.is_lead_of_agency(actor, agency):
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
    if not agency_rules.can_manage_agencies(actor):
        raise PermissionDenied("Only Coram staff can deactivate agencies.")
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
    if not agency_rules.can_manage_agencies(actor):
        raise PermissionDenied("Only Coram staff can reactivate agencies.")
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


# --- Memberships --------------------------------------------------------------------

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
    if not agency_rules.can_manage_agency_members(actor, membership.agency):
        raise PermissionDenied("You cannot change roles at this agency.")
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
    if not agency_rules.can_manage_agency_members(actor, membership.agency):
        raise PermissionDenied("You cannot remove people from this agency.")
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


# --- Invitations --------------------------------------------------------------------

class InvitationUnusable(Exception):
    """The link cannot be used: reason is unknown, expired, revoked or accepted."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class InvitationForAnotherAccount(Exception):
    """Someone signed in as a different person tried to accept the invitation."""


class InvitationNeedsSignIn(Exception):
    """An account with the invited address already exists: sign in to accept."""


def already_holds_role(*, email: str, role: str, agency: Agency | None = None) -> bool:
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return False
    if role in AGENCY_INVITATION_ROLES:
        membership = Membership.objects.filter(user=user, agency=agency, is_active=True).first()
        if membership is None:
            return False
        return membership.is_lead or role == Invitation.Role.AGENCY_MEMBER
    profile = ModeratorProfile.objects.filter(user=user, is_active=True).first()
    if role == Invitation.Role.MODERATOR:
        return profile is not None
    if role == Invitation.Role.PANEL_CHAIR:
        return profile is not None and profile.is_chair
    return user.is_coram_staff


def acceptance_url(raw_token: str) -> str:
    return settings.SITE_URL + reverse("invitations:accept", args=[raw_token])


def _send_invitation_email(invitation: Invitation, raw_token: str) -> None:
    context = {
        "invitation": invitation,
        "role": invitation.get_role_display(),
        "agency": invitation.agency,
        "inviter": invitation.invited_by,
        "link": acceptance_url(raw_token),
        "expires_at": invitation.expires_at,
        "valid_days": getattr(settings, "INVITATION_VALID_DAYS", 14),
        "service_name": "Early Permanence Quality Mark",
    }
    subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
    body = render_to_string("emails/invitation_body.txt", context)
    # The log keeps the message without its link: only the token's hash is stored.
    # robust: a mail server failure does not turn the committed invitation into
    # an error page (staff can resend it).
    logged_body = body.replace(context["link"], "[the invitation link, not kept]")
    transaction.on_commit(
        lambda: send_and_record(
            template="invitation",
            to=[invitation.email],
            subject=subject,
            body=body,
            logged_body=logged_body,
            about_object=invitation,
        ),
        robust=True,
    )


def mark_invitation_revoked(*, actor, invitation: Invitation, reason: str) -> None:
    """Revoke and audit, for callers that have already checked permission."""
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(
        actor=actor,
        action="invitation.revoked",
        target=invitation,
        changes={"revoked_at": [None, invitation.revoked_at.isoformat()], "reason": reason},
    )


@transaction.atomic
def send_invitation(*, actor, email: str, role: str, agency: Agency | None = None) -> Invitation:
    """Invite someone to a role and e-mail them a single-use link.

    Sending again to the same address for the same role and agency revokes the
    earlier invitation, so only the newest link works."""
    email = User.objects.normalize_email(email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "Enter an e-mail address"})
    if role not in Invitation.Role.values:
        raise ValidationError({"role": "Choose a role"})
    if role not in AGENCY_INVITATION_ROLES:
        agency = None
    elif agency is None:
        raise ValidationError({"agency": "Choose the agency to invite them to"})
    if not agency_rules.may_invite(actor, role=role, agency=agency):
        raise PermissionDenied("You cannot send this invitation.")
    if agency is not None and not agency.is_active:
        raise ValidationError({"agency": "This agency has been deactivated"})
    if already_holds_role(email=email, role=role, agency=agency):
        raise ValidationError(
            {"email": "The person with this e-mail address already has this role"}
        )
    previous = Invitation.objects.open().select_for_update().filter(
        email__iexact=email, role=role, agency=agency
    )
    for earlier in previous:
        mark_invitation_revoked(
            actor=actor, invitation=earlier, reason="replaced by a new invitation"
        )
    raw_token, token_hash = new_invitation_token()
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        agency=agency,
        invited_by=actor,
        token_hash=token_hash,
        created_at=now,
        sent_at=now,
        expires_at=invitation_expiry(now),
    )
    record_event(
        actor=actor,
        action="invitation.sent",
        target=invitation,
        changes={
            "email": email,
            "role": role,
            "agency": agency.name if agency else None,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    _send_invitation_email(invitation, raw_token)
    return invitation


def _ensure_may_manage(actor, invitation: Invitation) -> None:
    if not agency_rules.can_manage_invitation(actor, invitation):
        raise PermissionDenied("You cannot change this invitation.")


@transaction.atomic
def revoke_invitation(*, actor, invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=invitation.pk)
    )
    _ensure_may_manage(actor, invitation)
    if invitation.accepted_at:
        raise ValidationError("This invitation has already been accepted, so it cannot be revoked")
    if invitation.revoked_at is None:
        mark_invitation_revoked(actor=actor, invitation=invitation, reason="revoked")
    return invitation


@transaction.atomic
def resend_invitation(*, actor, invitation: Invitation) -> Invitation:
    """Send the invitation again with a new link; the old link stops working
    and the invitation is valid for the full period from now."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("agency", "invited_by")
        .get(pk=invitation.pk)
    )
    _ensure_may_manage(actor, invitation)
    if invitation.accepted_at:
        raise ValidationError("This invitation has already been accepted")
    if invitation.revoked_at:
        raise ValidationError("This invitation was revoked. Send a new invitation instead")
    if invitation.agency is not None and not invitation.agency.is_active:
        raise ValidationError("This agency has been deactivated")
    raw_token, token_hash = new_invitation_token()
    now = timezone.now()
    invitation.token_hash = token_hash
    invitation.sent_at = now
    invitation.expires_at = invitation_expiry(now)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    record_event(
        actor=actor,
        action="invitation.resent",
        target=invitation,
        changes={"expires_at": invitation.expires_at.isoformat()},
    )
    _send_invitation_email(invitation, raw_token)
    return invitation


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why a link cannot be used, or None when it can."""
    if invitation is None:
        return "unknown"
    if invitation.accepted_at:
        return "accepted"
    if invitation.revoked_at:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    if invitation.agency_id and not invitation.agency.is_active:
        return "revoked"
    return None


def _lock_usable(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("agency", "invited_by")
        .filter(pk=invitation.pk)
        .first()
    )
    problem = invitation_problem(locked)
    if problem:
        raise InvitationUnusable(problem)
    return locked


@transaction.atomic
def grant_invited_role(*, actor, user, role: str, agency: Agency | None = None):
    """Give a person the role an invitation was for. Each grant is audited by
    the service that does it."""
    if role in AGENCY_INVITATION_ROLES:
        return grant_membership(
            actor=actor, user=user, agency=agency, role=MEMBERSHIP_ROLE_FOR_INVITATION[role]
        )
    if role == Invitation.Role.MODERATOR:
        return grant_moderator(actor=actor, user=user)
    if role == Invitation.Role.PANEL_CHAIR:
        return grant_moderator(actor=actor, user=user, as_chair=True)
    if role == Invitation.Role.CORAM_STAFF:
        return grant_coram_staff(actor=actor, user=user)
    raise ValidationError("Unknown role")


def _complete(invitation: Invitation, user) -> Invitation:
    grant_invited_role(actor=user, user=user, role=invitation.role, agency=invitation.agency)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        actor=user,
        action="invitation.accepted",
        target=invitation,
        changes={
            "role": invitation.role,
            "agency": invitation.agency.name if invitation.agency else None,
            "invited_by": invitation.invited_by.email if invitation.invited_by else None,
        },
    )
    forget_roles(user)
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user) -> Invitation:
    """Accept an invitation as a signed-in person whose account has the invited
    address. Single use: the row is locked, so a second accept fails."""
    invitation = _lock_usable(invitation)
    if not user.is_authenticated or user.email.lower() != invitation.email.lower():
        raise InvitationForAnotherAccount
    mark_email_verified(user=user, email=user.email)
    return _complete(invitation, user)


@transaction.atomic
def accept_invitation_as_new_user(
    *, invitation: Invitation, full_name: str, password: str
) -> tuple[Invitation, User]:
    """Create the invitee's account (their e-mail counts as verified: the link
    proved it) and give them the role."""
    invitation = _lock_usable(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationNeedsSignIn
    user = create_invited_user(email=invitation.email, full_name=full_name, password=password)
    return _complete(invitation, user), user


def role_home_url(role: str, agency: Agency | None = None) -> str:
    """Where someone goes after accepting an invitation for a role."""
    if role in AGENCY_INVITATION_ROLES and agency is not None:
        return reverse("agency:detail", args=[agency.slug])
    if role in (Invitation.Role.MODERATOR, Invitation.Role.PANEL_CHAIR):
        return reverse("moderation:queue")
    if role == Invitation.Role.CORAM_STAFF:
        return reverse("staff:home")
    return reverse("core:dashboard")
