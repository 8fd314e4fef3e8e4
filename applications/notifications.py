"""E-mails sent when an application moves through the lifecycle (registered
with lifecycle.notifier; sent by a background job after the change commits)."""

from django.conf import settings
from django.urls import reverse

from qualitymark.notifications.services import notify

from .lifecycle import notifier
from .models.agencies import Membership


def agency_addresses(application) -> list[str]:
    return list(
        Membership.objects.filter(
            agency=application.agency, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def application_url(application) -> str:
    return settings.SITE_URL + reverse("agency:application", args=[application.pk])


@notifier("application_submitted")
def application_submitted(application, actor, reason):
    context = {"application": application, "actor": actor, "url": application_url(application)}
    notify(
        template="application_submitted",
        to=agency_addresses(application),
        context=context,
        dedupe_key=f"application-submitted-{application.pk}-{application.submitted_at:%Y%m%d%H%M%S}",
    )
    notify(
        template="application_submitted_staff",
        to=[settings.CORAM_STAFF_INBOX],
        context=context,
        dedupe_key=f"application-submitted-staff-{application.pk}-"
        f"{application.submitted_at:%Y%m%d%H%M%S}",
    )


@notifier("application_withdrawn")
def application_withdrawn(application, actor, reason):
    context = {
        "application": application,
        "actor": actor,
        "reason": reason,
        "url": application_url(application),
    }
    stamp = f"{application.pk}-{application.withdrawn_at:%Y%m%d%H%M%S}"
    notify(
        template="application_withdrawn",
        to=agency_addresses(application),
        context=context,
        dedupe_key=f"application-withdrawn-{stamp}",
    )
    notify(
        template="application_withdrawn_staff",
        to=[settings.CORAM_STAFF_INBOX],
        context=context,
        dedupe_key=f"application-withdrawn-staff-{stamp}",
    )
