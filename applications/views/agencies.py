from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qualitymark.core.forms import ConfirmForm, apply_errors, posted
from qualitymark.core.permissions import agency_user_required, staff_required
from qualitymark.users.models import User

from .. import rules as agency_rules
from .. import selectors, services
from ..forms import (
    AcceptInvitationForm,
    AgencyFilterForm,
    AgencyProfileForm,
    InvitationFilterForm,
    LeadInvitationForm,
    MembershipRoleForm,
    StaffAgencyForm,
    StaffInvitationForm,
)
from ..models import Agency, Invitation, Membership

PAGE_SIZE = 50
GET_AND_POST = require_http_methods(["GET", "POST"])


# --- The agency's own pages (/agency/) ----------------------------------------------


def _member_agency(request, slug) -> Agency:
    return get_object_or_404(selectors.member_agencies_of(request.user), slug=slug)


def _led_agency(request, slug) -> Agency:
    agency = _member_agency(request, slug)
    if not agency_rules.is_lead_of_agency(request.user, agency):
        raise Http404
    return agency


def _agency_home(request, agency: Agency, *, several_agencies: bool):
    return render(
        request,
        "applications/dashboard.html",
        {
            "agency": agency,
            "is_lead": agency_rules.is_lead_of_agency(request.user, agency),
            "memberships": selectors.active_memberships_of(agency),
            "pending_invitations": selectors.pending_invitations_for_agency(agency),
            "partnership_members": agency.partnership_members.order_by("name"),
            "partnerships": agency.partnerships.filter(is_active=True).order_by("name"),
            "several_agencies": several_agencies,
            "applications": selectors.applications_of_agency(agency),
            "open_application": selectors.open_application_of(agency),
        },
    )


@agency_user_required
def agency_dashboard(request):
    agencies = list(selectors.member_agencies_of(request.user).order_by("name"))
    if len(agencies) == 1:
        return _agency_home(request, agencies[0], several_agencies=False)
    return render(request, "applications/choose_agency.html", {"agencies": agencies})


@agency_user_required
def agency_detail(request, slug):
    agency = _member_agency(request, slug)
    several = selectors.member_agencies_of(request.user).count() > 1
    return _agency_home(request, agency, several_agencies=several)


@agency_user_required
@GET_AND_POST
def agency_profile_edit(request, slug):
    agency = _led_agency(request, slug)
    form = AgencyProfileForm(posted(request), instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_agency(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your agency's details have been updated.")
            return redirect("agency:detail", agency.slug)
    return render(
        request,
        "applications/form_page.html",
        {
            "form": form,
            "title": "Change your agency's details",
            "caption": agency.name,
            "intro": "Only the Quality Mark team at Coram can change your agency's name, "
            "type, region or Ofsted URN. Contact them if any of these are wrong.",
            "back_url": reverse("agency:detail", args=[agency.slug]),
        },
    )


@agency_user_required
@GET_AND_POST
def agency_invite(request, slug):
    agency = _member_agency(request, slug)
    if not agency_rules.can_invite_to_agency(request.user, agency):
        raise Http404
    form = LeadInvitationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.send_invitation(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                agency=agency,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _sent_message(invitation))
            return redirect("agency:detail", agency.slug)
    return render(
        request,
        "applications/form_page.html",
        {
            "form": form,
            "title": "Invite a colleague",
            "caption": agency.name,
            "intro": "We will e-mail them a link to join your agency on the portal. "
            "If they already have an account with that address, the link adds your "
            "agency to it.",
            "back_url": reverse("agency:detail", args=[agency.slug]),
        },
    )


def _sent_message(invitation: Invitation) -> str:
    return (
        f"Invitation sent to {invitation.email}. The link expires on "
        f"{date_format(timezone.localtime(invitation.expires_at), 'j F Y')}."
    )


def _change_role(request, *, agency, membership, back_url):
    form = MembershipRoleForm(posted(request), initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_membership_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            new_role = "an agency lead" if form.cleaned_data["role"] == "lead" else "a member"
            messages.success(request, f"{membership.user.get_full_name()} is now {new_role}.")
            return redirect(back_url)
    return render(
        request,
        "applications/form_page.html",
        {
            "form": form,
            "title": f"Change {membership.user.get_full_name()}'s role",
            "caption": agency.name,
            "intro": "An agency always needs at least one lead.",
            "back_url": back_url,
        },
    )


def _remove_member(request, *, agency, membership, back_url):
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_membership(actor=request.user, membership=membership)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"{membership.user.get_full_name()} has been removed from {agency.name}."
            )
            return redirect(back_url)
    return render(
        request,
        "applications/confirm_page.html",
        {
            "form": form,
            "title": f"Remove {membership.user.get_full_name()} from {agency.name}?",
            "caption": agency.name,
            "paragraphs": [
                f"{membership.user.get_full_name()} ({membership.user.email}) will no longer "
                "be able to see or work on this agency's applications.",
                "Their account stays open, and anything they have written stays in the "
                "application. You can invite them again later.",
            ],
            "button_label": "Remove from agency",
            "warning_button": True,
            "back_url": back_url,
        },
    )


def _active_membership(agency: Agency, pk) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, agency=agency, is_active=True
    )


@agency_user_required
@GET_AND_POST
def membership_change_role(request, slug, pk):
    agency = _led_agency(request, slug)
    membership = _active_membership(agency, pk)
    return _change_role(
        request,
        agency=agency,
        membership=membership,
        back_url=reverse("agency:detail", args=[agency.slug]),
    )


@agency_user_required
@GET_AND_POST
def membership_remove(request, slug, pk):
    agency = _led_agency(request, slug)
    membership = _active_membership(agency, pk)
    return _remove_member(
        request,
        agency=agency,
        membership=membership,
        back_url=reverse("agency:detail", args=[agency.slug]),
    )


def _revoke(request, *, invitation, back_url, caption):
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_invitation(actor=request.user, invitation=invitation)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The invitation to {invitation.email} has been revoked.")
            return redirect(back_url)
    return render(
        request,
        "applications/confirm_page.html",
        {
            "form": form,
            "title": f"Revoke the invitation to {invitation.email}?",
            "caption": caption,
            "paragraphs": [
                "The link in the invitation e-mail will stop working straight away.",
                "You can send a new invitation later if you need to.",
            ],
            "button_label": "Revoke invitation",
            "warning_button": True,
            "back_url": back_url,
        },
    )


def _resend(request, *, invitation, back_url, caption):
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.resend_invitation(actor=request.user, invitation=invitation)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _sent_message(invitation))
            return redirect(back_url)
    return render(
        request,
        "applications/confirm_page.html",
        {
            "form": form,
            "title": f"Send the invitation to {invitation.email} again?",
            "caption": caption,
            "paragraphs": [
                "We will e-mail a new link. The link in the earlier e-mail will stop working.",
                "The new link can be used once and expires after "
                f"{settings.INVITATION_VALID_DAYS} days.",
            ],
            "button_label": "Send again",
            "back_url": back_url,
        },
    )


def _lead_invitation(request, slug, pk) -> tuple[Agency, Invitation]:
    agency = _led_agency(request, slug)
    invitation = get_object_or_404(Invitation.objects.open(), pk=pk, agency=agency)
    return agency, invitation


@agency_user_required
@GET_AND_POST
def agency_invitation_revoke(request, slug, pk):
    agency, invitation = _lead_invitation(request, slug, pk)
    return _revoke(
        request,
        invitation=invitation,
        back_url=reverse("agency:detail", args=[agency.slug]),
        caption=agency.name,
    )


@agency_user_required
@GET_AND_POST
def agency_invitation_resend(request, slug, pk):
    agency, invitation = _lead_invitation(request, slug, pk)
    return _resend(
        request,
        invitation=invitation,
        back_url=reverse("agency:detail", args=[agency.slug]),
        caption=agency.name,
    )


# --- Coram staff: agencies (/staff/agencies/) ---------------------------------------


def _paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@staff_required
def staff_agency_list(request):
    form = AgencyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    agencies = selectors.search_agencies(
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
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.create_agency(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"{agency.name} has been added. Next, invite the agency's lead."
            )
            return redirect("staff:agency_detail", agency.slug)
    return render(
        request,
        "applications/form_page.html",
        {
            "form": form,
            "title": "Add an agency",
            "caption": "Agencies",
            "back_url": reverse("staff:agency_list"),
        },
    )


def _staff_agency(request, slug) -> Agency:
    return get_object_or_404(selectors.agencies_visible_to(request.user), slug=slug)


@staff_required
def staff_agency_detail(request, slug):
    agency = _staff_agency(request, slug)
    return render(
        request,
        "applications/staff/agency_detail.html",
        {
            "agency": agency,
            "memberships": selectors.active_memberships_of(agency),
            "pending_invitations": selectors.pending_invitations_for_agency(agency),
            "partnership_members": agency.partnership_members.order_by("name"),
            "partnerships": agency.partnerships.order_by("name"),
        },
    )


@staff_required
@GET_AND_POST
def staff_agency_edit(request, slug):
    agency = _staff_agency(request, slug)
    form = StaffAgencyForm(posted(request), instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_agency(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The agency's details have been updated.")
            return redirect("staff:agency_detail", agency.slug)
    return render(
        request,
        "applications/form_page.html",
        {
            "form": form,
            "title": "Change agency details",
            "caption": agency.name,
            "back_url": reverse("staff:agency_detail", args=[agency.slug]),
        },
    )


@staff_required
@GET_AND_POST
def staff_agency_deactivate(request, slug):
    agency = _staff_agency(request, slug)
    back_url = reverse("staff:agency_detail", args=[agency.slug])
    if not agency.is_active:
        return redirect(back_url)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.deactivate_agency(actor=request.user, agency=agency)
        messages.success(request, f"{agency.name} has been deactivated.")
        return redirect(back_url)
    return render(
        request,
        "applications/confirm_page.html",
        {
            "form": form,
            "title": f"Deactivate {agency.name}?",
            "caption": "Agencies",
            "paragraphs": [
                "The agency's people will no longer be able to open its pages or its "
                "applications, and its pending invitations will be revoked.",
                "Nothing is deleted: its history, applications and awards are kept, and you "
                "can reactivate the agency at any time.",
            ],
            "button_label": "Deactivate agency",
            "warning_button": True,
            "back_url": back_url,
        },
    )


@staff_required
@GET_AND_POST
def staff_agency_reactivate(request, slug):
    agency = _staff_agency(request, slug)
    back_url = reverse("staff:agency_detail", args=[agency.slug])
    if agency.is_active:
        return redirect(back_url)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.reactivate_agency(actor=request.user, agency=agency)
        messages.success(request, f"{agency.name} has been reactivated.")
        return redirect(back_url)
    return render(
        request,
        "applications/confirm_page.html",
        {
            "form": form,
            "title": f"Reactivate {agency.name}?",
            "caption": "Agencies",
            "paragraphs": [
                "The agency's current members will be able to sign in and work on its "
                "applications again. Invitations revoked when it was deactivated stay "
                "revoked: send new ones if needed."
            ],
            "button_label": "Reactivate agency",
            "back_url": back_url,
        },
    )


@staff_required
@GET_AND_POST
def staff_membership_change_role(request, slug, pk):
    agency = _staff_agency(request, slug)
    membership = _active_membership(agency, pk)
    return _change_role(
        request,
        agency=agency,
        membership=membership,
        back_url=reverse("staff:agency_detail", args=[agency.slug]),
    )


@staff_required
@GET_AND_POST
def staff_membership_remove(request, slug, pk):
    agency = _staff_agency(request, slug)
    membership = _active_membership(agency, pk)
    return _remove_member(
        request,
        agency=agency,
        membership=membership,
        back_url=reverse("staff:agency_detail", args=[agency.slug]),
    )


# --- Coram staff: invitations (/staff/invitations/) ---------------------------------


@staff_required
def staff_invitation_list(request):
    form = InvitationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    invitations = selectors.invitations_with_status(
        selectors.invitations_visible_to(request.user), filters.get("status") or ""
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
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.send_invitation(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                agency=form.cleaned_data.get("agency"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _sent_message(invitation))
            return redirect("staff:invitation_list")
    return render(
        request,
        "applications/form_page.html",
        {
            "form": form,
            "title": "Invite someone",
            "caption": "Invitations",
            "intro": "We will e-mail them a single-use link. If they already have an account "
            "with that address, the link adds the role to it. Moderators, panel chairs and "
            "Coram staff must set up an authenticator app when they first sign in.",
            "back_url": reverse("staff:invitation_list"),
        },
    )


def _staff_open_invitation(request, pk) -> Invitation:
    return get_object_or_404(selectors.invitations_visible_to(request.user).open(), pk=pk)


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


# --- Accepting an invitation (/invitations/accept/<token>/, public) -----------------

UNUSABLE_STATUS = {"unknown": 404, "expired": 410, "revoked": 410, "accepted": 410}


def _unusable(request, reason: str):
    return render(
        request,
        "applications/invitations/unusable.html",
        {"reason": reason},
        status=UNUSABLE_STATUS.get(reason, 404),
    )


@login_not_required
@never_cache
@GET_AND_POST
def accept_invitation(request, token):
    invitation = selectors.invitation_for_token(token)
    problem = services.invitation_problem(invitation)
    if problem:
        return _unusable(request, problem)

    if request.user.is_authenticated:
        return _accept_signed_in(request, invitation)

    if User.objects.filter(email__iexact=invitation.email).exists():
        messages.info(
            request,
            f"You already have an account with {invitation.email}. Sign in to accept the "
            "invitation.",
        )
        return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))

    form = AcceptInvitationForm(posted(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, user = services.accept_invitation_as_new_user(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationUnusable as error:
            return _unusable(request, error.reason)
        except services.InvitationNeedsSignIn:
            return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _welcome_message(invitation))
            return redirect(services.role_home_url(invitation.role, invitation.agency))
    return render(
        request,
        "applications/invitations/accept_new_user.html",
        {"invitation": invitation, "form": form},
    )


def _accept_signed_in(request, invitation: Invitation):
    if request.user.email.lower() != invitation.email.lower():
        return render(
            request,
            "applications/invitations/wrong_account.html",
            {"invitation": invitation},
            status=403,
        )
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(invitation=invitation, user=request.user)
        except services.InvitationUnusable as error:
            return _unusable(request, error.reason)
        except services.InvitationForAnotherAccount:
            return render(
                request,
                "applications/invitations/wrong_account.html",
                {"invitation": invitation},
                status=403,
            )
        messages.success(request, _welcome_message(invitation))
        return redirect(services.role_home_url(invitation.role, invitation.agency))
    return render(
        request,
        "applications/invitations/accept_existing_user.html",
        {"invitation": invitation, "form": form},
    )


def _welcome_message(invitation: Invitation) -> str:
    if invitation.agency:
        return f"You are now {_role_phrase(invitation)} of {invitation.agency.name}."
    return f"You are now {_role_phrase(invitation)} on the Early Permanence Quality Mark."


def _role_phrase(invitation: Invitation) -> str:
    return {
        Invitation.Role.AGENCY_MEMBER: "a member",
        Invitation.Role.AGENCY_LEAD: "a lead",
        Invitation.Role.MODERATOR: "a moderator",
        Invitation.Role.PANEL_CHAIR: "a panel chair",
        Invitation.Role.CORAM_STAFF: "a member of the Coram staff team",
    }[invitation.role]
