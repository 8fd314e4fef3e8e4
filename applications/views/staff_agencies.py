"""Coram staff's pages for agencies, their people and invitations
(/staff/agencies/, /staff/invitations/)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from qualitymark.core.forms import CONFIRM_PAGE, ConfirmForm, form_page, posted
from qualitymark.core.pagination import bounded_page
from qualitymark.core.permissions import staff_required

from ..forms.agencies import AgencyFilterForm, StaffAgencyForm
from ..forms.invitations import InvitationFilterForm, StaffInvitationForm
from ..models.agencies import Agency, Invitation
from ..selectors.agencies import (
    active_memberships_of,
    agencies_visible_to,
    invitations_visible_to,
    invitations_with_status,
    pending_invitations_for_agency,
    search_agencies,
)
from ..services.agencies import create_agency, deactivate_agency, reactivate_agency, update_agency
from ..services.invitations import send_invitation
from .agencies import (
    GET_AND_POST,
    AgencyViewer,
    _resend,
    _revoke,
    _sent_message,
    membership_remove_page,
    membership_role_page,
)

# --- Coram staff: agencies (/staff/agencies/) ---------------------------------------


def _paginate(request, queryset):
    return bounded_page(request, queryset)


@staff_required
def staff_agency_list(request):
    form = AgencyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    agencies = search_agencies(
        actor=request.user,
        query=(filters.get("query") or "").strip(),
        region=filters.get("region") or "",
        agency_type=filters.get("agency_type") or "",
        status=filters.get("status") or "",
    )
    return render(
        request,
        "applications/staff/agency_list.html",
        {"filter_form": form, "page": _paginate(request, agencies), "filtered": bool(filters)},
    )


@staff_required
@GET_AND_POST
def staff_agency_create(request):
    form = StaffAgencyForm(posted(request))
    return form_page(
        request,
        form,
        lambda: create_agency(actor=request.user, **form.cleaned_data),
        success=lambda agency: f"{agency.name} has been added. Next, invite the agency's lead.",
        then=lambda agency: reverse("staff:agency_detail", args=[agency.slug]),
        title="Add an agency",
        caption="Agencies",
        back_url=reverse("staff:agency_list"),
    )


def _staff_agency(request, slug) -> Agency:
    return get_object_or_404(agencies_visible_to(request.user), slug=slug)


@staff_required
def staff_agency_detail(request, slug):
    agency = _staff_agency(request, slug)
    return render(
        request,
        "applications/staff/agency_detail.html",
        {
            "agency": agency,
            "memberships": active_memberships_of(agency),
            "pending_invitations": pending_invitations_for_agency(agency),
            "partnership_members": agency.partnership_members.order_by("name"),
            "partnerships": agency.partnerships.order_by("name"),
        },
    )


@staff_required
@GET_AND_POST
def staff_agency_edit(request, slug):
    agency = _staff_agency(request, slug)
    form = StaffAgencyForm(posted(request), instance=agency)
    return form_page(
        request,
        form,
        lambda: update_agency(actor=request.user, agency=agency, **form.cleaned_data),
        success="The agency's details have been updated.",
        then=reverse("staff:agency_detail", args=[agency.slug]),
        title="Change agency details",
        caption=agency.name,
        back_url=reverse("staff:agency_detail", args=[agency.slug]),
    )


@staff_required
@GET_AND_POST
def staff_agency_deactivate(request, slug):
    agency = _staff_agency(request, slug)
    back_url = reverse("staff:agency_detail", args=[agency.slug])
    if not agency.is_active:
        return redirect(back_url)
    form = ConfirmForm(posted(request))
    return form_page(
        request,
        form,
        lambda: deactivate_agency(actor=request.user, agency=agency),
        success=f"{agency.name} has been deactivated.",
        then=back_url,
        template=CONFIRM_PAGE,
        title=f"Deactivate {agency.name}?",
        caption="Agencies",
        paragraphs=[
            "The agency's people will no longer be able to open its pages or its "
            "applications, and its pending invitations will be revoked.",
            "Nothing is deleted: its history, applications and awards are kept, and you "
            "can reactivate the agency at any time.",
        ],
        button_label="Deactivate agency",
        warning_button=True,
        back_url=back_url,
    )


@staff_required
@GET_AND_POST
def staff_agency_reactivate(request, slug):
    agency = _staff_agency(request, slug)
    back_url = reverse("staff:agency_detail", args=[agency.slug])
    if agency.is_active:
        return redirect(back_url)
    form = ConfirmForm(posted(request))
    return form_page(
        request,
        form,
        lambda: reactivate_agency(actor=request.user, agency=agency),
        success=f"{agency.name} has been reactivated.",
        then=back_url,
        template=CONFIRM_PAGE,
        title=f"Reactivate {agency.name}?",
        caption="Agencies",
        paragraphs=[
            "The agency's current members will be able to sign in and work on its "
            "applications again. Invitations revoked when it was deactivated stay "
            "revoked: send new ones if needed."
        ],
        button_label="Reactivate agency",
        back_url=back_url,
    )


STAFF = AgencyViewer(
    gate=staff_required,
    perm="applications.manage_agency_members",
    fetch=_staff_agency,
    agency_page="staff:agency_detail",
)
staff_membership_change_role = membership_role_page(STAFF)
staff_membership_remove = membership_remove_page(STAFF)


# --- Coram staff: invitations (/staff/invitations/) ---------------------------------


@staff_required
def staff_invitation_list(request):
    form = InvitationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    invitations = invitations_with_status(
        invitations_visible_to(request.user), filters.get("status") or ""
    )
    query = (filters.get("query") or "").strip()
    if query:
        invitations = invitations.filter(email__icontains=query)
    return render(
        request,
        "applications/staff/invitation_list.html",
        {"filter_form": form, "page": _paginate(request, invitations)},
    )


@staff_required
@GET_AND_POST
def staff_invitation_create(request):
    initial = {}
    agency_slug = request.GET.get("agency")
    if agency_slug:
        initial["agency"] = Agency.objects.filter(slug=agency_slug, is_active=True).first()
        initial["role"] = Invitation.Role.AGENCY_LEAD
    form = StaffInvitationForm(posted(request), initial=initial)
    return form_page(
        request,
        form,
        lambda: send_invitation(
            actor=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            agency=form.cleaned_data.get("agency"),
        ),
        success=_sent_message,
        then="staff:invitation_list",
        title="Invite someone",
        caption="Invitations",
        intro="We will e-mail them a single-use link. If they already have an account "
        "with that address, the link adds the role to it. Moderators, panel chairs and "
        "Coram staff must set up an authenticator app when they first sign in.",
        back_url=reverse("staff:invitation_list"),
    )


def _staff_open_invitation(request, pk) -> Invitation:
    return get_object_or_404(invitations_visible_to(request.user).open(), pk=pk)


@staff_required
@GET_AND_POST
def staff_invitation_revoke(request, pk):
    invitation = _staff_open_invitation(request, pk)
    return _revoke(
        request,
        invitation=invitation,
        back_url=reverse("staff:invitation_list"),
        caption="Invitations",
    )


@staff_required
@GET_AND_POST
def staff_invitation_resend(request, pk):
    invitation = _staff_open_invitation(request, pk)
    return _resend(
        request,
        invitation=invitation,
        back_url=reverse("staff:invitation_list"),
        caption="Invitations",
    )
