"""The PDF of a submitted application: what it contains, who may download it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML

from applications.models.submissions import Application, SectionAnswer
from applications.services.evidence import add_evidence_file
from applications.services.submissions import sign_declaration
from qualitymark.audit.models import AuditEvent
from tests.factories import MembershipFactory

from .application_data import section_answers

pytestmark = pytest.mark.django_db

DOCUMENT_NAME = "tracking-meeting-terms.pdf"
KEYS = ["about", "ep-data", *[f"q{n}" for n in range(1, 8)], "fee"]


def small_pdf() -> bytes:
    return HTML(
        string="<p>Terms of reference for the monthly early permanence tracking meeting.</p>"
    ).write_pdf()


def _complete(client, application, key):
    version = (
        SectionAnswer.objects.filter(application=application, key=key)
        .values_list("version", flat=True)
        .first()
        or 0
    )
    response = client.post(
        reverse("agency:section", args=[application.pk, key]),
        {**section_answers(key), "version": version, "completed": "yes", "save": "Save"},
    )
    assert response.status_code == 302, (key, response.content.decode()[:2000])


@pytest.fixture
def draft(lead_client, agency):
    lead_client.post(
        reverse("agency:application_start", args=[agency.slug]),
        {"kind": "new", "level_sought": "full"},
    )
    return Application.objects.get(agency=agency)


@pytest.fixture
def submitted(lead_client, lead, draft, django_capture_on_commit_callbacks):
    for key in KEYS:
        _complete(lead_client, draft, key)
    with django_capture_on_commit_callbacks(execute=True):
        add_evidence_file(
            actor=lead,
            application=draft,
            section_key="q2",
            uploaded_file=SimpleUploadedFile(DOCUMENT_NAME, small_pdf(), "application/pdf"),
        )
    sign_declaration(actor=lead, application=draft, name="Pat Lead", role="Head of Service")
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(reverse("agency:check_answers", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"
    return draft


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())


def test_the_lead_downloads_the_submitted_application_as_a_pdf(
    lead_client, submitted, agency, django_capture_on_commit_callbacks
):
    url = reverse("agency:application_pdf", args=[submitted.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the background job runs
        assert "being prepared" in lead_client.get(url).content.decode()
    response = lead_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{submitted.reference}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert submitted.reference.startswith("EPQM-")
    text = pdf_text(response.content)
    assert submitted.reference in text
    assert agency.name in text
    assert "Our tracking meeting reviews each unborn baby monthly" in text
    assert DOCUMENT_NAME in text
    assert "Pat Lead" in text
    assert "Full" in text and "New application" in text
    # The document's contents are not included, only its name and size.
    assert "Terms of reference for the monthly" not in text
    assert AuditEvent.objects.filter(
        action="application.pdf_downloaded", target_id=str(submitted.pk)
    ).exists()


def test_the_submitted_view_links_to_the_pdf(lead_client, submitted):
    page = lead_client.get(reverse("agency:application", args=[submitted.pk])).content.decode()
    assert reverse("agency:application_pdf", args=[submitted.pk]) in page


def test_another_agencys_member_gets_404(client, submitted):
    outsider = MembershipFactory(role="lead").user
    client.logout()
    client.force_login(outsider)
    response = client.get(reverse("agency:application_pdf", args=[submitted.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="application.pdf_downloaded").exists()


def test_a_draft_has_no_pdf(lead_client, draft):
    response = lead_client.get(reverse("agency:application_pdf", args=[draft.pk]))
    assert response.status_code == 404


def test_signed_out_visitors_cannot_download(client, submitted):
    client.logout()  # `client` is the same object as lead_client, signed in as the lead
    response = client.get(reverse("agency:application_pdf", args=[submitted.pk]))
    assert response.status_code in (302, 404)
    assert response.status_code != 200
