from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from qualitymark.users.roles import roles_of

PROTECTED_PREFIXES = ("/moderation/", "/staff/", "/admin/")


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class SecondFactorRequiredMiddleware:
    """Moderators and Coram staff must enrol an authenticator app before any
    moderation, staff or admin page opens for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.path.startswith(PROTECTED_PREFIXES)
            and (roles_of(user).needs_second_factor or user.is_staff)
            and not has_second_factor(user)
        ):
            messages.warning(
                request,
                "Set up an authenticator app before you open moderation or staff pages. "
                "It keeps applicants' evidence safe if your password is ever exposed.",
            )
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
