"""E-mails for the moderation stages (registered with the lifecycle; sent by
a background job after the change commits)."""

from django.conf import settings
from django.urls import reverse

from applications.lifecycle import notifier
from applications.notifications import agency_addresses, application_url
from qualitymark.notifications.services import notify

from .models.workflow import Assignment, InformationRequest


def _moderator_addresses(application) -> list[str]:
    return list(
        Assignment.objects.filter(application=application, removed_at__isnull=True).values_list(
            "moderator__user__email", flat=True
        )
    )


@notifier("application_returned")
def application_returned(application, actor, reason):
    notify(
        template="application_returned",
        to=agency_addresses(application),
        context={"application": application, "reason": reason, "url": application_url(application)},
    )


@notifier("application_withdrawn_moderators")
def application_withdrawn_moderators(application, actor, reason):
    """The moderators asked to review it, with the agency's reason (the withdrawal page
    tells the agency they will see it)."""
    notify(
        template="application_withdrawn_moderator",
        to=_moderator_addresses(application),
        context={"application": application, "reason": reason},
        dedupe_key=f"application-withdrawn-moderators-{application.pk}-"
        f"{application.withdrawn_at:%Y%m%d%H%M%S}",
    )


@notifier("application_accepted")
def application_accepted(application, actor, reason):
    notify(
        template="application_accepted",
        to=agency_addresses(application),
        context={"application": application, "url": application_url(application)},
    )
    notify(
        template="review_ready",
        to=_moderator_addresses(application),
        context={
            "application": application,
            "url": settings.SITE_URL + reverse("moderation:queue"),
        },
    )


@notifier("information_requested")
def information_requested(application, actor, reason):
    request = application.information_requests.filter(status=InformationRequest.Status.OPEN).first()
    notify(
        template="information_requested",
        to=agency_addresses(application),
        context={
            "application": application,
            "request": request,
            "url": application_url(application),
        },
    )


@notifier("information_provided")
def information_provided(application, actor, reason):
    notify(
        template="information_provided",
        to=[*_moderator_addresses(application), settings.CORAM_STAFF_INBOX],
        context={"application": application},
    )


@notifier("panel_opened")
def panel_opened(application, actor, reason):
    notify(
        template="panel_opened",
        to=[settings.CORAM_STAFF_INBOX],
        context={"application": application},
    )


def decision_url(application) -> str:
    return settings.SITE_URL + reverse("agency:decision", args=[application.pk])


@notifier("application_decided")
def application_decided(application, actor, reason):
    notify(
        template="application_decided",
        to=agency_addresses(application),
        context={"application": application, "url": decision_url(application)},
    )


def decision_corrected(decision) -> None:
    """Called when the panel corrects a recorded decision."""
    application = decision.application
    notify(
        template="decision_corrected",
        to=agency_addresses(application),
        context={
            "application": application,
            "decision": decision,
            "url": decision_url(application),
        },
    )
