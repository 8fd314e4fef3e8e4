from django.apps import apps
from django.db.models import Q, QuerySet

from .models import ContentView


def content_views(*, application: str = "", person: str = "") -> QuerySet[ContentView]:
    """The access record, newest first, filtered by application (reference or
    number) and by person (their whole e-mail address, or any part of their name)."""
    views = ContentView.objects.select_related("viewer")
    application = application.strip()
    if application:
        by_reference = Q(application_reference__iexact=application)
        views = views.filter(
            by_reference | Q(application_id=int(application))
            if application.isdigit()
            else by_reference
        )
    person = person.strip()
    if "@" in person:
        views = views.filter(viewer__email__iexact=person)
    elif person:
        views = views.filter(viewer__full_name__icontains=person)
    return views


def person_by_id(pk: int):
    return apps.get_model("users.User").objects.filter(pk=pk).first()


def last_retention_run():
    """The audit event of the job's latest run, or None."""
    return apps.get_model("audit.AuditEvent").objects.filter(action="retention.run").first()
