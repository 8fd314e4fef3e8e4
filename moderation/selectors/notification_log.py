"""The notification log: every e-mail the service has queued, newest first,
with what it is about, searchable and filtered by status and template."""

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from qualitymark.notifications.models import SentEmail

__all__ = ["about_url", "notification_log"]

# Where staff read the object an e-mail is about.
ABOUT_PAGES = {
    "applications.application": "staff:application",
    "moderation.award": "staff:award",
}


def notification_log(*, query: str = "", status: str = "", template: str = "") -> QuerySet:
    emails = SentEmail.objects.order_by("-created_at", "-pk")
    if query:
        emails = emails.filter(
            Q(recipients__icontains=query)
            | Q(subject__icontains=query)
            | Q(about_repr__icontains=query)
            | Q(template__icontains=query)
        )
    if status:
        emails = emails.filter(status=status)
    if template:
        emails = emails.filter(template=template)
    return emails


def about_url(email: SentEmail) -> str:
    name = ABOUT_PAGES.get(email.about_type)
    if not name or not email.about_id:
        return ""
    try:
        return reverse(name, args=[int(email.about_id)])
    except (NoReverseMatch, ValueError):
        return ""
