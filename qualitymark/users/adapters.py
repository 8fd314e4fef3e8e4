import time
from datetime import UTC, datetime

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied

from qualitymark.audit.context import client_ip

FRESH_SIGN_IN_SECONDS = 300


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation, never by open sign-up."""

    def is_open_for_signup(self, request):
        return settings.ACCOUNT_SIGNUP_OPEN

    # --- Security (issue 11): rate limits that fit the deployment ------------------------

    def get_client_ip(self, request) -> str:
        """The address allauth's rate limits count by: the same one the audit trail
        records, honouring TRUSTED_PROXY_COUNT."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The "key" of the failed sign-in limit: the account and the address the
        attempts come from, so wrong passwords sent from one address do not lock
        the account's owner out when they sign in from another."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up a first authenticator straight after signing in with a
        password does not ask for the password again; everything else does."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if not required or app != "allauth.mfa":
            return required
        request = context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return True
        password_sign_ins = [
            record["at"]
            for record in get_authentication_records(request, user)
            if record.get("method") == "password"
        ]
        if not password_sign_ins or time.time() - password_sign_ins[-1] > FRESH_SIGN_IN_SECONDS:
            return True
        signed_in_at = datetime.fromtimestamp(password_sign_ins[-1], tz=UTC)
        return Authenticator.objects.filter(user=user, created_at__lt=signed_in_at).exists()
