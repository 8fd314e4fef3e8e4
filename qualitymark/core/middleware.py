from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from qualitymark.users.roles import has_authenticator, roles_of

PROTECTED_PREFIXES = ("/moderation/", "/staff/", "/admin/")

# Where to send a person once they have set up their authenticator app.
SECOND_FACTOR_NEXT_KEY = "qualitymark.second_factor_next"


def needs_second_factor(user) -> bool:
    """Moderators, panel chairs, Coram staff and Django-admin users must use an
    authenticator app. Agency users may choose to."""
    if not getattr(user, "is_authenticated", False):
        return False
    return roles_of(user).needs_second_factor or user.is_staff


def _safe_path(request, path) -> str:
    if (
        isinstance(path, str)
        and path.startswith("/")
        and url_has_allowed_host_and_scheme(
            path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return path
    return ""


def wanted_path(request) -> str:
    """The page a person asked for before they were sent to set up an
    authenticator app ('' when there is none)."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    return _safe_path(request, session.get(SECOND_FACTOR_NEXT_KEY))


class SecondFactorRequiredMiddleware:
    """Moderators and Coram staff must enrol an authenticator app before any
    moderation, staff or admin page opens for them.

    allauth's activation page ignores ?next=, so the page they asked for is kept
    in the session; the recovery-codes page shown straight after activation (and
    the sign-in security page) offer a button back to it.

    The Django admin's own sign-in form would skip allauth's second-factor step,
    so it is routed to the service's sign-in page instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if request.path == reverse("admin:login"):
            return self._admin_login(request, user)

        if user.is_authenticated and request.path.startswith(PROTECTED_PREFIXES):
            if needs_second_factor(user) and not has_authenticator(user):
                if request.method in ("GET", "HEAD"):
                    request.session[SECOND_FACTOR_NEXT_KEY] = request.get_full_path()
                messages.warning(
                    request,
                    "You need to set up an authenticator app before you can open that page.",
                )
                return redirect("mfa_activate_totp")
            if SECOND_FACTOR_NEXT_KEY in request.session:
                del request.session[SECOND_FACTOR_NEXT_KEY]
        return self.get_response(request)

    @staticmethod
    def _admin_login(request, user):
        if user.is_authenticated and not user.is_staff:
            # The admin sends signed-in people without access here; there is
            # nothing for them to see.
            raise Http404
        target = _safe_path(request, request.GET.get("next")) or reverse("admin:index")
        if user.is_authenticated:
            return redirect(target)
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
