from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
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
