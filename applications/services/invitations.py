"""Every write about invitations: sending, resending, revoking and accepting.

An accepted invitation grants its role through qualitymark.users.role_grants,
where each app registers how its roles are granted.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qualitymark.audit.services import record_event
from qualitymark.core.locks import lock_name_for_transaction
from qualitymark.core.permissions import require_perm
from qualitymark.notifications.services import notify
from qualitymark.users.models import User
from qualitymark.users.role_grants import grant_role, holds_role
from qualitymark.users.roles import forget_roles
from qualitymark.users.services import create_invited_user, mark_email_verified

from .. import rules as agency_rules
from ..models.agencies import (
    AGENCY_INVITATION_ROLES,
    Agency,
    Invitation,
    invitation_expiry,
    new_invitation_token,
)


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
    return holds_role(user=user, role=role, agency=agency)


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
    # Only the token's hash is stored: the link travels sealed and the log
    # shows the message without it (staff send a new invitation instead).
    notify(
        template="invitation",
        to=[invitation.email],
        context=context,
        dedupe_key=f"invitation:{invitation.token_hash}",
        secrets={"[the invitation link, not kept]": context["link"]},
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
    # Two sendings at once (a double click) take turns: the second replaces the first.
    lock_name_for_transaction(f"invitation:{email}:{role}:{agency.pk if agency else ''}")
    previous = (
        Invitation.objects.open()
        .select_for_update()
        .filter(email__iexact=email, role=role, agency=agency)
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


@transaction.atomic
def revoke_invitation(*, actor, invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=invitation.pk)
    )
    require_perm(
        actor,
        "applications.manage_invitation",
        invitation,
        message="You cannot change this invitation.",
    )
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
    require_perm(
        actor,
        "applications.manage_invitation",
        invitation,
        message="You cannot change this invitation.",
    )
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


def _complete(invitation: Invitation, user) -> Invitation:
    grant_role(actor=user, user=user, role=invitation.role, agency=invitation.agency)
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
