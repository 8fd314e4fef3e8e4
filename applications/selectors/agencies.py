"""Reads scoped to the person asking: what is outside their reach is not found."""

from django.db.models import OuterRef, Q, QuerySet

from qualitymark.core.pagination import correlated_count
from qualitymark.users.roles import roles_of

from ..models.agencies import Agency, Invitation, Membership, hash_invitation_token


def agencies_visible_to(user) -> QuerySet[Agency]:
    """Coram staff see every agency; anyone else the active agencies they belong to."""
    if roles_of(user).coram_staff:
        return Agency.objects.all()
    return member_agencies_of(user)


def member_agencies_of(user) -> QuerySet[Agency]:
    """Active agencies where the person has an active membership (any role)."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(
        is_active=True, memberships__user=user, memberships__is_active=True
    ).distinct()


def led_agencies_of(user) -> QuerySet[Agency]:
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(
        is_active=True,
        memberships__user=user,
        memberships__is_active=True,
        memberships__role=Membership.Role.LEAD,
    ).distinct()


def search_agencies(
    *, actor, query: str = "", region: str = "", agency_type: str = "", status: str = ""
) -> QuerySet[Agency]:
    active_members = Membership.objects.filter(
        agency=OuterRef("pk"), is_active=True, user__is_active=True
    )
    agencies = agencies_visible_to(actor).annotate(
        active_member_count=correlated_count(active_members, by="agency")
    )
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(ofsted_urn__iexact=query))
    if region:
        agencies = agencies.filter(region=region)
    if agency_type:
        agencies = agencies.filter(agency_type=agency_type)
    if status == "active":
        agencies = agencies.filter(is_active=True)
    elif status == "inactive":
        agencies = agencies.filter(is_active=False)
    return agencies.order_by("name")


def active_memberships_of(agency) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(agency=agency, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )


def active_leads_of(agency) -> QuerySet[Membership]:
    return active_memberships_of(agency).filter(role=Membership.Role.LEAD)


def memberships_of_user(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("agency").order_by("agency__name")


def pending_invitations_for_agency(agency) -> QuerySet[Invitation]:
    return Invitation.objects.pending().filter(agency=agency).select_related("invited_by")


def invitations_visible_to(user) -> QuerySet[Invitation]:
    """Coram staff see every invitation; agency leads those to their agencies."""
    invitations = Invitation.objects.select_related("agency", "invited_by", "accepted_by")
    roles = roles_of(user)
    if roles.coram_staff:
        return invitations
    return invitations.filter(agency__in=led_agencies_of(user))


def invitations_with_status(queryset: QuerySet[Invitation], status: str) -> QuerySet[Invitation]:
    by_status = {
        Invitation.Status.PENDING: queryset.pending,
        Invitation.Status.ACCEPTED: queryset.accepted,
        Invitation.Status.EXPIRED: queryset.expired,
        Invitation.Status.REVOKED: queryset.revoked,
    }
    return by_status[status]() if status in by_status else queryset


def invitation_for_token(raw_token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state; None when unknown."""
    if not raw_token or len(raw_token) > 200:
        return None
    return (
        Invitation.objects.select_related("agency", "invited_by")
        .filter(token_hash=hash_invitation_token(raw_token))
        .first()
    )
