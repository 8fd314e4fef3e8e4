from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from qualitymark.core.forms import CONFIRM_PAGE, ConfirmForm, form_page, posted
from qualitymark.core.permissions import agency_user_required, permission_required

from ..forms.agencies import AgencyProfileForm
from ..forms.invitations import LeadInvitationForm, MembershipRoleForm
from ..models.agencies import Agency, Invitation, Membership
from ..selectors.agencies import (
    active_memberships_of,
    member_agencies_of,
    pending_invitations_for_agency,
)
from ..selectors.submissions import applications_of_agency, open_application_of
from ..services.agencies import update_agency
from ..services.invitations import resend_invitation, revoke_invitation, send_invitation
from ..services.memberships import change_membership_role, remove_membership

GET_AND_POST = require_http_methods(["GET", "POST"])


# --- The agency's own pages (/agency/) ----------------------------------------------


def _member_agency(request, slug) -> Agency:
    return get_object_or_404(member_agencies_of(request.user), slug=slug)


def _agency_home(request, agency: Agency, *, several_agencies: bool):
    return render(
        request,
        "applications/dashboard.html",
        {
            "agency": agency,
            "memberships": active_memberships_of(agency),
            "pending_invitations": pending_invitations_for_agency(agency),
            "partnership_members": agency.partnership_members.order_by("name"),
            "partnerships": agency.partnerships.filter(is_active=True).order_by("name"),
            "several_agencies": several_agencies,
            "applications": applications_of_agency(agency),
            "open_application": open_application_of(agency),
        },
    )


@agency_user_required
def agency_dashboard(request):
    agencies = list(member_agencies_of(request.user).order_by("name"))
    if len(agencies) == 1:
        return _agency_home(request, agencies[0], several_agencies=False)
    return render(request, "applications/choose_agency.html", {"agencies": agencies})


@agency_user_required
def agency_detail(request, slug):
    agency = _member_agency(request, slug)
    several = member_agencies_of(request.user).count() > 1
    return _agency_home(request, agency, several_agencies=several)


@agency_user_required
@GET_AND_POST
@permission_required("applications.use_lead_pages", fetch=_member_agency)
def agency_profile_edit(request, agency):
    form = AgencyProfileForm(posted(request), instance=agency)
    return form_page(
        request,
        form,
        lambda: update_agency(actor=request.user, agency=agency, **form.cleaned_data),
        success="Your agency's details have been updated.",
        then=reverse("agency:detail", args=[agency.slug]),
        title="Change your agency's details",
        caption=agency.name,
        intro="Only the Quality Mark team at Coram can change your agency's name, "
        "type, region or Ofsted URN. Contact them if any of these are wrong.",
        back_url=reverse("agency:detail", args=[agency.slug]),
    )


@agency_user_required
@GET_AND_POST
@permission_required("applications.invite_to_agency", fetch=_member_agency)
def agency_invite(request, agency):
    form = LeadInvitationForm(posted(request))
    return form_page(
        request,
        form,
        lambda: send_invitation(
            actor=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            agency=agency,
        ),
        success=_sent_message,
        then=reverse("agency:detail", args=[agency.slug]),
        title="Invite a colleague",
        caption=agency.name,
        intro="We will e-mail them a link to join your agency on the portal. "
        "If they already have an account with that address, the link adds your "
        "agency to it.",
        back_url=reverse("agency:detail", args=[agency.slug]),
    )


def _sent_message(invitation: Invitation) -> str:
    return (
        f"Invitation sent to {invitation.email}. The link expires on "
        f"{date_format(timezone.localtime(invitation.expires_at), 'j F Y')}."
    )


def _change_role(request, *, agency, membership, back_url):
    form = MembershipRoleForm(posted(request), initial={"role": membership.role})

    def changed(_):
        new_role = "an agency lead" if form.cleaned_data["role"] == "lead" else "a member"
        return f"{membership.user.get_full_name()} is now {new_role}."

    return form_page(
        request,
        form,
        lambda: change_membership_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        ),
        success=changed,
        then=back_url,
        title=f"Change {membership.user.get_full_name()}'s role",
        caption=agency.name,
        intro="An agency always needs at least one lead.",
        back_url=back_url,
    )


def _remove_member(request, *, agency, membership, back_url):
    form = ConfirmForm(posted(request))
    return form_page(
        request,
        form,
        lambda: remove_membership(actor=request.user, membership=membership),
        success=f"{membership.user.get_full_name()} has been removed from {agency.name}.",
        then=back_url,
        template=CONFIRM_PAGE,
        title=f"Remove {membership.user.get_full_name()} from {agency.name}?",
        caption=agency.name,
        paragraphs=[
            f"{membership.user.get_full_name()} ({membership.user.email}) will no longer "
            "be able to see or work on this agency's applications.",
            "Their account stays open, and anything they have written stays in the "
            "application. You can invite them again later.",
        ],
        button_label="Remove from agency",
        warning_button=True,
        back_url=back_url,
    )


def _active_membership(agency: Agency, pk) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, agency=agency, is_active=True
    )


def _revoke(request, *, invitation, back_url, caption):
    form = ConfirmForm(posted(request))
    return form_page(
        request,
        form,
        lambda: revoke_invitation(actor=request.user, invitation=invitation),
        success=f"The invitation to {invitation.email} has been revoked.",
        then=back_url,
        template=CONFIRM_PAGE,
        title=f"Revoke the invitation to {invitation.email}?",
        caption=caption,
        paragraphs=[
            "The link in the invitation e-mail will stop working straight away.",
            "You can send a new invitation later if you need to.",
        ],
        button_label="Revoke invitation",
        warning_button=True,
        back_url=back_url,
    )


def _resend(request, *, invitation, back_url, caption):
    form = ConfirmForm(posted(request))
    return form_page(
        request,
        form,
        lambda: resend_invitation(actor=request.user, invitation=invitation),
        success=_sent_message,
        then=back_url,
        template=CONFIRM_PAGE,
        title=f"Send the invitation to {invitation.email} again?",
        caption=caption,
        paragraphs=[
            "We will e-mail a new link. The link in the earlier e-mail will stop working.",
            "The new link can be used once and expires after "
            f"{settings.INVITATION_VALID_DAYS} days.",
        ],
        button_label="Send again",
        back_url=back_url,
    )


def _open_invitation(agency: Agency, pk) -> Invitation:
    return get_object_or_404(Invitation.objects.open(), pk=pk, agency=agency)


# --- Pages an agency lead and Coram staff share, parameterised by who is looking ---------


@dataclass(frozen=True)
class AgencyViewer:
    """Who is looking at an agency: the gate to their part of the site, the rule
    asked about the agency, how they reach it (a 404 outside their reach) and
    the agency's page they return to."""

    gate: Callable
    perm: str
    fetch: Callable
    agency_page: str

    def page(self, view):
        guarded = permission_required(self.perm, fetch=self.fetch)(view)
        return self.gate(GET_AND_POST(guarded))

    def back_url(self, agency: Agency) -> str:
        return reverse(self.agency_page, args=[agency.slug])


LEAD = AgencyViewer(
    gate=agency_user_required,
    perm="applications.use_lead_pages",
    fetch=_member_agency,
    agency_page="agency:detail",
)


def membership_role_page(viewer: AgencyViewer):
    def change_role(request, agency, pk):
        membership = _active_membership(agency, pk)
        return _change_role(
            request, agency=agency, membership=membership, back_url=viewer.back_url(agency)
        )

    return viewer.page(change_role)


def membership_remove_page(viewer: AgencyViewer):
    def remove(request, agency, pk):
        membership = _active_membership(agency, pk)
        return _remove_member(
            request, agency=agency, membership=membership, back_url=viewer.back_url(agency)
        )

    return viewer.page(remove)


membership_change_role = membership_role_page(LEAD)
membership_remove = membership_remove_page(LEAD)


@LEAD.page
def agency_invitation_revoke(request, agency, pk):
    invitation = _open_invitation(agency, pk)
    return _revoke(
        request, invitation=invitation, back_url=LEAD.back_url(agency), caption=agency.name
    )


@LEAD.page
def agency_invitation_resend(request, agency, pk):
    invitation = _open_invitation(agency, pk)
    return _resend(
        request, invitation=invitation, back_url=LEAD.back_url(agency), caption=agency.name
    )
