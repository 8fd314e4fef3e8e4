"""The PDF of a submitted application, made in the background (issue 16): it
runs to many pages, so a request thread never renders it. Asking for it
records an outbox job (a Celery worker renders it; in the demo, jobs run in
the process at once); the file is kept in private storage under a key that
names the application as submitted and the person who asked (the PDF says who
generated it), so asking again serves the same file."""

from __future__ import annotations

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qualitymark.core.outbox import enqueue
from qualitymark.files.pdf import render_pdf
from qualitymark.files.storage import private_storage
from qualitymark.users.models import User

from ..models.submissions import Application
from ..selectors.submissions import application_overview

PENDING_SECONDS = 120  # a second request within this time does not queue another render


def application_pdf_key(application: Application, user) -> str:
    submitted = application.submitted_at.strftime("%Y%m%dT%H%M%S%f")
    return f"application-pdfs/{application.pk}/{submitted}-{user.pk}.pdf"


def prepared_application_pdf(application: Application, user) -> bytes | None:
    storage = private_storage()
    key = application_pdf_key(application, user)
    if not storage.exists(key):
        return None
    with storage.open(key, "rb") as stored:
        return stored.read()


def request_application_pdf(application: Application, user) -> None:
    """Queue the render unless one was queued in the last PENDING_SECONDS."""
    key = application_pdf_key(application, user)
    try:
        first = cache.add(f"pending:{key}", True, PENDING_SECONDS)
    except Exception:  # noqa: BLE001 - no cache: queue it; rendering twice is harmless
        first = True
    if first:
        with transaction.atomic():
            enqueue(
                "applications.services.documents.make_application_pdf",
                application_id=application.pk,
                user_id=user.pk,
            )


def make_application_pdf(*, application_id: int, user_id: int) -> str:
    """Outbox handler: render and keep the PDF (idempotent: a kept one stays)."""
    application = Application.objects.select_related("agency", "framework").get(pk=application_id)
    user = User.objects.get(pk=user_id)
    key = application_pdf_key(application, user)
    storage = private_storage()
    if storage.exists(key):
        return key
    content = render_pdf(
        "pdf/application.html",
        {
            "application": application,
            "overview": application_overview(application),
            "generated_at": timezone.now(),
            "generated_by": user,
        },
    )
    saved = storage.save(key, ContentFile(content))
    if saved != key:  # another run kept it first
        storage.delete(saved)
    return key
