"""The background check after an upload: virus scan (when clamd is configured),
quarantine, text extraction, and what the uploader sees at each stage."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import tasks
from applications.models.evidence import EvidenceFile
from applications.services import evidence as evidence_services
from qualitymark.audit.models import AuditEvent
from qualitymark.files.storage import private_storage
from qualitymark.notifications.models import SentEmail
from tests.files import conftest as files_conftest
from tests.files import samples

from . import evidence_support as support
from .evidence_support import (
    evidence_rows,
    section_url,
    stored_bytes,
    text_pdf,
    upload_on_page,
)

pytestmark = pytest.mark.django_db

# Fixtures shared with the other evidence tests.
draft = support.draft
clamd_server = files_conftest.clamd_server  # our own clamd, from tests/files

CHECKING_PROBLEM = "Wait until every uploaded file has been checked for viruses"
QUARANTINE_PROBLEM = "Remove the files that were quarantined because they contain a virus"
ERROR_PROBLEM = "Remove and upload again the files that could not be checked"


@pytest.fixture
def no_scanner(settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    return settings


@pytest.fixture
def scanner(no_scanner, clamd_server):
    no_scanner.CLAMD_SOCKET = clamd_server.socket_path
    no_scanner.CLAMD_TIMEOUT = 30
    return clamd_server


@pytest.fixture
def checked_upload(lead_client, draft, django_capture_on_commit_callbacks):
    """Upload through the page and run what happens after the commit (the check,
    and any e-mail it sends)."""

    def upload(name, data, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload_on_page(lead_client, draft, name, data, **kwargs)
        assert response.status_code == 302, response.content.decode()[:2000]
        return EvidenceFile.objects.order_by("-pk").first()

    return upload


def download(client, evidence):
    return client.get(
        reverse("agency:evidence_download", args=[evidence.application_id, evidence.pk])
    )


def check_answers(client, application) -> str:
    return client.get(reverse("agency:check_answers", args=[application.pk])).content.decode()


# --- Without a virus scanner ----------------------------------------------------------------


def test_without_a_scanner_a_pdf_is_not_scanned_but_servable_and_its_text_read(
    no_scanner, checked_upload, lead_client, draft
):
    evidence = checked_upload("case.pdf", text_pdf("Baby Jayden was placed with carers."))
    assert evidence.scan_status == "not_scanned"
    assert evidence.is_servable
    assert evidence.scanned_at is not None
    assert evidence.text_extracted
    assert "Baby Jayden was placed with carers." in evidence.extracted_text
    assert download(lead_client, evidence).status_code == 200
    row = evidence_rows(lead_client.get(section_url(draft)))["case.pdf"]
    assert row["status"] == "not_scanned" and row["tag"] == ""
    assert row["link"] == reverse("agency:evidence_download", args=[draft.pk, evidence.pk])
    event = AuditEvent.objects.get(action="evidence.checked")
    assert event.changes == {"file": evidence.pk, "scan_status": "not_scanned"}
    assert event.actor is None


def test_without_a_scanner_a_docx_has_its_text_read(no_scanner, checked_upload):
    evidence = checked_upload(
        "policy.docx", samples.docx_bytes("Our panel meets monthly.", "Contact Mrs Okafor.")
    )
    assert evidence.scan_status == "not_scanned"
    assert evidence.extracted_text.startswith("Our panel meets monthly.\nContact Mrs Okafor.")


def test_text_found_in_a_file_reaches_the_identifier_check(
    no_scanner, checked_upload, lead_client, draft
):
    checked_upload("case.pdf", text_pdf("Email jo.bloggs@gmail.com about the placement."))
    page = lead_client.get(reverse("agency:identifiers", args=[draft.pk])).content.decode()
    assert "jo.bloggs@gmail.com" in page


def test_a_picture_is_read_as_having_no_text(no_scanner, checked_upload):
    # So it is listed as a document the lead must check by eye.
    evidence = checked_upload("diagram.png", samples.image_bytes("PNG"))
    assert evidence.scan_status == "not_scanned"
    assert (evidence.text_extracted, evidence.extracted_text) == (True, "")


def test_a_spreadsheets_cells_are_read(no_scanner, checked_upload):
    evidence = checked_upload("tracker.xlsx", samples.xlsx_bytes())
    assert evidence.text_extracted


def test_nul_characters_in_extracted_text_are_dropped(no_scanner, checked_upload, monkeypatch):
    # PostgreSQL text columns cannot hold NUL; some PDFs' text has it.
    monkeypatch.setattr(
        evidence_services.ceilings,
        "extract_text_within_ceilings",
        lambda key, kind: "Tracking\x00 meeting",
    )
    evidence = checked_upload("case.pdf", text_pdf())
    assert evidence.extracted_text == "Tracking meeting"


# --- While the check is pending -------------------------------------------------------------


def test_a_file_waiting_for_its_check_shows_checking_and_is_not_served(lead_client, draft):
    upload_on_page(lead_client, draft, "case.pdf", text_pdf())  # on-commit jobs not run
    evidence = EvidenceFile.objects.get()
    assert evidence.scan_status == "pending"
    assert download(lead_client, evidence).status_code == 404
    assert not AuditEvent.objects.filter(action="evidence.downloaded").exists()

    row = evidence_rows(lead_client.get(section_url(draft)))["case.pdf"]
    assert row["tag"] == "Checking"
    assert "refresh the page in a minute" in row["value"]
    assert row["link"] is None
    page = check_answers(lead_client, draft)
    assert "Checking" in page
    assert CHECKING_PROBLEM in page


def test_a_lost_check_is_queued_again(no_scanner, lead_client, draft):
    upload_on_page(lead_client, draft, "case.pdf", text_pdf())  # its job never ran
    evidence = EvidenceFile.objects.get()
    assert tasks.check_pending_evidence_files.delay().get() == 0  # too recent to be lost
    EvidenceFile.objects.update(uploaded_at=timezone.now() - timedelta(minutes=11))
    assert tasks.check_pending_evidence_files.delay().get() == 1
    evidence.refresh_from_db()
    assert evidence.scan_status == "not_scanned"
    assert tasks.check_pending_evidence_files.delay().get() == 0


def test_a_file_removed_before_its_check_is_left_alone(no_scanner, lead, lead_client, draft):
    upload_on_page(lead_client, draft, "case.pdf", text_pdf())
    evidence = EvidenceFile.objects.get()
    evidence_services.remove_evidence_file(actor=lead, evidence=evidence)
    assert tasks.check_evidence_file.delay(evidence.pk).get() == "pending"
    evidence.refresh_from_db()
    assert evidence.scanned_at is None
    assert not AuditEvent.objects.filter(action="evidence.checked").exists()


def test_checking_a_file_that_does_not_exist_does_nothing(db):
    assert tasks.check_evidence_file.delay(987654).get() is None


# --- With clamd -----------------------------------------------------------------------------


def test_with_clamd_a_clean_file_becomes_clean_and_servable(scanner, checked_upload, lead_client):
    evidence = checked_upload("case.pdf", text_pdf("Family time is planned with birth parents."))
    assert evidence.scan_status == "clean"
    assert evidence.scan_signature == ""
    assert "Family time is planned" in evidence.extracted_text
    response = download(lead_client, evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_bytes(evidence)


def test_with_clamd_an_infected_file_is_quarantined_and_the_uploader_told(
    scanner, checked_upload, lead, lead_client, draft, mailoutbox, settings
):
    evidence = checked_upload("minutes.txt", scanner.infected_sample)

    assert evidence.scan_status == "infected"
    assert evidence.scan_signature.startswith(scanner.signature)
    assert not evidence.is_servable
    assert (evidence.extracted_text, evidence.text_extracted) == ("", False)
    # Moved: quarantine/evidence-<application>-<random> holds it, evidence/ does not.
    prefix = f"quarantine/evidence-{draft.pk}-"
    assert evidence.storage_key.startswith(prefix)
    original_key = f"evidence/{draft.pk}/{evidence.storage_key.removeprefix(prefix)}"
    storage = private_storage()
    assert storage.exists(evidence.storage_key)
    assert stored_bytes(evidence) == scanner.infected_sample
    assert not storage.exists(original_key)
    assert storage.listdir(f"evidence/{draft.pk}")[1] == []

    assert download(lead_client, evidence).status_code == 404

    quarantined = AuditEvent.objects.get(action="evidence.quarantined")
    assert quarantined.changes["file"] == evidence.pk
    assert quarantined.changes["signature"].startswith(scanner.signature)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [lead.email]
    assert message.subject == "A file you uploaded contains a virus and has been quarantined"
    assert '"minutes.txt"' in message.body
    assert scanner.signature in message.body
    assert settings.SITE_URL + section_url(draft) in message.body
    assert "&quot;" not in message.body and "&#x27;" not in message.body

    row = evidence_rows(lead_client.get(section_url(draft)))["minutes.txt"]
    assert row["tag"] == "Quarantined"
    assert "Remove it, then upload a clean copy" in row["value"]
    assert row["link"] is None and row["remove"]
    page = check_answers(lead_client, draft)
    assert "Quarantined" in page
    assert QUARANTINE_PROBLEM in page


def test_the_check_is_idempotent(
    scanner, checked_upload, mailoutbox, django_capture_on_commit_callbacks
):
    infected = checked_upload("minutes.txt", scanner.infected_sample)
    clean = checked_upload("case.pdf", text_pdf("Clean evidence"), key="q2")
    before = {
        e.pk: (e.scan_status, e.storage_key, e.scanned_at, e.extracted_text)
        for e in EvidenceFile.objects.all()
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_evidence_file.delay(infected.pk).get() == "infected"
        assert tasks.check_evidence_file.delay(clean.pk).get() == "clean"
        evidence_services.check_evidence(infected.pk)

    after = {
        e.pk: (e.scan_status, e.storage_key, e.scanned_at, e.extracted_text)
        for e in EvidenceFile.objects.all()
    }
    assert after == before
    assert len(mailoutbox) == 1
    assert SentEmail.objects.filter(template="evidence_quarantined").count() == 1
    assert AuditEvent.objects.filter(action="evidence.quarantined").count() == 1
    assert AuditEvent.objects.filter(action="evidence.checked").count() == 1


def test_a_second_quarantine_of_the_same_file_does_nothing(scanner, checked_upload, mailoutbox):
    # Two workers scan the same file at once: the second finds it already done.
    evidence = checked_upload("minutes.txt", scanner.infected_sample)
    assert evidence_services._quarantine(evidence.pk, "Another.Name").scan_signature == (
        evidence.scan_signature
    )
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("how", ["socket", "tcp"])
def test_an_unreachable_clamd_leaves_the_file_as_error_and_unserved(
    no_scanner, how, tmp_path, checked_upload, lead_client, draft, mailoutbox
):
    from tests.files.conftest import free_port

    if how == "socket":
        no_scanner.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    else:
        no_scanner.CLAMD_HOST = "127.0.0.1"
        no_scanner.CLAMD_PORT = free_port()
        no_scanner.CLAMD_TIMEOUT = 5
    evidence = checked_upload("case.pdf", text_pdf("Evidence text"))

    assert evidence.scan_status == "error"
    assert not evidence.is_servable
    assert evidence.extracted_text == ""  # not read: it was never found safe
    assert evidence.storage_key.startswith(f"evidence/{draft.pk}/")
    assert download(lead_client, evidence).status_code == 404
    assert mailoutbox == []

    row = evidence_rows(lead_client.get(section_url(draft)))["case.pdf"]
    assert row["tag"] == "Could not be checked"
    assert "Remove it and upload it again" in row["value"]
    assert row["link"] is None and row["remove"]
    assert ERROR_PROBLEM in check_answers(lead_client, draft)

    # Running the job again does not quietly make it available.
    assert tasks.check_evidence_file.delay(evidence.pk).get() == "error"


def test_removing_and_uploading_again_clears_the_problem(
    no_scanner, tmp_path, checked_upload, lead_client, draft, django_capture_on_commit_callbacks
):
    no_scanner.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    failed = checked_upload("case.pdf", text_pdf("Evidence text"))
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(reverse("agency:evidence_remove", args=[draft.pk, failed.pk]))
    no_scanner.CLAMD_SOCKET = ""
    checked_upload("case.pdf", text_pdf("Evidence text"))
    assert ERROR_PROBLEM not in check_answers(lead_client, draft)
