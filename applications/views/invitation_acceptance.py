"""Accepting an invitation (/invitations/accept/<token>/): public, the link is the key."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from qualitymark.core.forms import ConfirmForm, form_page, posted
from qualitymark.users.models import User

from ..forms.invitations import AcceptInvitationForm
from ..models.agencies import Invitation
from ..selectors.agencies import invitation_for_token
from ..services import invitations as invitations_services
from ..services.invitations import (
    InvitationForAnotherAccount,
    InvitationNeedsSignIn,
    InvitationUnusable,
    accept_invitation_as_new_user,
    invitation_problem,
    role_home_url,
)
from .agencies import GET_AND_POST

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
    invitation = invitation_for_token(token)
    problem = invitation_problem(invitation)
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
    try:
        return form_page(
            request,
            form,
            lambda: _join_as_new_user(request, invitation, form.cleaned_data),
            success=_welcome_message,
            then=_role_home,
            template="applications/invitations/accept_new_user.html",
            invitation=invitation,
        )
    except InvitationUnusable as error:
        return _unusable(request, error.reason)
    except InvitationNeedsSignIn:
        return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))


def _join_as_new_user(request, invitation: Invitation, data) -> Invitation:
    """The new account, signed in; the invitation as accepted."""
    invitation, user = accept_invitation_as_new_user(
        invitation=invitation, full_name=data["full_name"], password=data["password1"]
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return invitation


def _role_home(invitation: Invitation) -> str:
    return role_home_url(invitation.role, invitation.agency)


def _wrong_account(request, invitation: Invitation):
    return render(
        request,
        "applications/invitations/wrong_account.html",
        {"invitation": invitation},
        status=403,
    )


def _accept_signed_in(request, invitation: Invitation):
    if request.user.email.lower() != invitation.email.lower():
        return _wrong_account(request, invitation)
    form = ConfirmForm(posted(request))
    try:
        return form_page(
            request,
            form,
            lambda: invitations_services.accept_invitation(
                invitation=invitation, user=request.user
            ),
            success=lambda _: _welcome_message(invitation),
            then=lambda _: _role_home(invitation),
            template="applications/invitations/accept_existing_user.html",
            invitation=invitation,
        )
    except InvitationUnusable as error:
        return _unusable(request, error.reason)
    except InvitationForAnotherAccount:
        return _wrong_account(request, invitation)


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
