import time
from datetime import UTC, datetime

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.conf import settings

FRESH_SIGN_IN_SECONDS = 300


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation, never by open sign-up."""

    def is_open_for_signup(self, request):
        return settings.ACCOUNT_SIGNUP_OPEN

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
