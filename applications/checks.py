"""Start-up checks: every notification the lifecycle table names has a sender."""

from django.core.checks import Error, register

from . import lifecycle


@register()
def lifecycle_notifications_have_senders(app_configs=None, **kwargs) -> list[Error]:
    return [
        Error(
            f"The lifecycle names the notification {name!r}, but no sender is registered for it.",
            hint="Register one with applications.lifecycle.notifier.",
            obj="applications.lifecycle.TRANSITIONS",
            id="applications.E002",
        )
        for name in lifecycle.unregistered_notifications()
    ]
