"""The application PDF is made in the background (issue 16): the first
request answers at once with a "being prepared" page that looks again by
itself; once the job has run, the PDF is served, and kept."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.services.documents import application_pdf_key
from qualitymark.core.models import OutboxJob
from qualitymark.files.storage import private_storage

from .test_application_pdf import draft, submitted  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

JOB = "applications.services.documents.make_application_pdf"


def test_the_first_request_is_answered_before_the_pdf_is_made(
    lead_client,
    lead,
    submitted,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    url = reverse("agency:application_pdf", args=[submitted.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = lead_client.get(url)
        again = lead_client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/html")
    assert first["Refresh"] == "3"
    page = first.content.decode()
    assert "Your PDF is being prepared" in page
    assert f'href="{url}"' in page
    assert not private_storage().exists(application_pdf_key(submitted, lead))
    assert OutboxJob.objects.filter(handler=JOB).count() == 1  # asking twice queues once
    assert "being prepared" in again.content.decode()

    for callback in callbacks:  # the worker's turn
        callback()
    ready = lead_client.get(url)
    assert ready["Content-Type"] == "application/pdf"
    assert submitted.reference in PdfReader(io.BytesIO(ready.content)).pages[0].extract_text()
    assert lead_client.get(url).content == ready.content  # kept, not made again
    assert OutboxJob.objects.filter(handler=JOB).count() == 1
