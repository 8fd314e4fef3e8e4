from allauth.account.signals import (
    email_added,
    email_changed,
    email_confirmed,
    email_removed,
    password_changed,
    password_reset,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
    authenticator_used,
)
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .context import client_ip
from .services import record_event


def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    record_event(actor=user, action="auth.sign_in", target=user, ip_address=_ip(request))


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(actor=user, action="auth.sign_out", target=user, ip_address=_ip(request))


@receiver(user_login_failed)
def audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    record_event(
        actor=None,
        action="auth.sign_in_failed",
        typed_email=attempted,
        ip_address=_ip(request),
    )


@receiver(password_changed)
@receiver(password_reset)
def audit_password_change(sender, request, user, **kwargs):
    record_event(actor=user, action="auth.password_changed", target=user, ip_address=_ip(request))


@receiver(authenticator_added)
def audit_mfa_added(sender, request, user, authenticator, **kwargs):
    record_event(
        actor=user,
        action="auth.second_factor_added",
        target=user,
        changes={"type": authenticator.type},
        ip_address=_ip(request),
    )


@receiver(authenticator_removed)
def audit_mfa_removed(sender, request, user, authenticator, **kwargs):
    record_event(
        actor=user,
        action="auth.second_factor_removed",
        target=user,
        changes={"type": authenticator.type},
        ip_address=_ip(request),
    )


@receiver(authenticator_reset)
def audit_mfa_reset(sender, request, user, authenticator, **kwargs):
    record_event(
        actor=user,
        action="auth.recovery_codes_regenerated",
        target=user,
        changes={"type": authenticator.type},
        ip_address=_ip(request),
    )


# --- Security (issue 11): second-factor checks and e-mail address changes ----------------


@receiver(authenticator_used)
def audit_second_factor_used(sender, request, user, authenticator, **kwargs):
    recovery = authenticator.type == Authenticator.Type.RECOVERY_CODES
    record_event(
        actor=user,
        action="auth.recovery_code_used" if recovery else "auth.second_factor_passed",
        target=user,
        changes={
            "type": authenticator.type,
            "reauthenticated": bool(kwargs.get("reauthenticated")),
        },
        ip_address=_ip(request),
    )


@receiver(authentication_failed)
def audit_second_factor_failed(sender, request, user, authenticator=None, **kwargs):
    record_event(
        actor=user,
        action="auth.second_factor_failed",
        target=user,
        changes={
            "type": getattr(authenticator, "type", ""),
            "reauthentication": bool(kwargs.get("reauthentication")),
        },
        ip_address=_ip(request),
    )


@receiver(email_added)
@receiver(email_removed)
@receiver(email_changed)
@receiver(email_confirmed)
def audit_email_address(sender, request, **kwargs):
    signal = kwargs["signal"]
    action, changes = {
        email_added: ("account.email_added", lambda: {"email": kwargs["email_address"].email}),
        email_removed: ("account.email_removed", lambda: {"email": kwargs["email_address"].email}),
        email_changed: (
            "account.email_changed",
            lambda: {
                "from": getattr(kwargs.get("from_email_address"), "email", ""),
                "to": getattr(kwargs.get("to_email_address"), "email", ""),
            },
        ),
        email_confirmed: (
            "account.email_confirmed",
            lambda: {"email": kwargs["email_address"].email},
        ),
    }[signal]
    user = getattr(kwargs.get("email_address"), "user", None) or kwargs.get("user")
    record_event(actor=user, action=action, target=user, changes=changes(), ip_address=_ip(request))
