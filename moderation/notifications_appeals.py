"""E-mails about reviews of decisions (appeals)."""

from django.conf import settings
from django.urls import reverse

from applications.notifications import agency_addresses
from qualitymark.notifications.services import notify


def _agency_url(appeal) -> str:
    return settings.SITE_URL + reverse("agency:appeal", args=[appeal.application_id])


def appeal_requested(appeal) -> None:
    notify(
        template="appeal_requested",
        to=[settings.CORAM_STAFF_INBOX],
        context={
            "appeal": appeal,
            "application": appeal.application,
            "url": settings.SITE_URL + reverse("moderation:appeal", args=[appeal.pk]),
        },
    )


def appeal_acknowledged(appeal) -> None:
    notify(
        template="appeal_acknowledged",
        to=agency_addresses(appeal.application),
        context={"appeal": appeal, "application": appeal.application, "url": _agency_url(appeal)},
    )


def appeal_decided(appeal) -> None:
    notify(
        template="appeal_decided",
        to=agency_addresses(appeal.application),
        context={"appeal": appeal, "application": appeal.application, "url": _agency_url(appeal)},
        dedupe_key=f"appeal-decided-{appeal.pk}",
    )
