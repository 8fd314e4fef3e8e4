"""Removing evidence: a confirmation page, then a soft removal (the record keeps
who and when) with the stored file deleted once that has committed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models.evidence import EvidenceFile
from applications.services.evidence import add_evidence_file, check_evidence, remove_evidence_file
from qualitymark.audit.models import AuditEvent
from qualitymark.files.storage import private_storage
from tests.factories import MembershipFactory

from . import evidence_support as support
from .evidence_support import (
    SECTION,
    download_url,
    evidence_rows,
    remove_url,
    section_url,
    text_pdf,
)
from .helpers import make_moderator, make_staff

pytestmark = pytest.mark.django_db

# Fixtures shared with the other evidence tests.
draft = support.draft
member = support.member
member_client = support.member_client


@pytest.fixture
def evidence(settings, lead, draft):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    uploaded = add_evidence_file(
        actor=lead,
        application=draft,
        section_key=SECTION,
        uploaded_file=SimpleUploadedFile("policy.pdf", text_pdf()),
    )
    return check_evidence(uploaded.pk)


def lock(application):
    application.status = "submitted"
    application.reference = f"EPQM-TEST-{application.pk}"
    application.save(update_fields=["status", "reference"])


def test_the_confirmation_page_names_the_file(lead_client, draft, evidence):
    response = lead_client.get(remove_url(evidence))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Are you sure you want to remove policy.pdf?" in page
    assert f'href="{section_url(draft)}"' in page  # "No, keep it" and the back link
    assert 'method="post"' in page
    evidence.refresh_from_db()
    assert evidence.removed_at is None


def test_the_section_page_links_to_the_confirmation(lead_client, draft, evidence):
    row = evidence_rows(lead_client.get(section_url(draft)))["policy.pdf"]
    assert row["remove"] == remove_url(evidence)


def test_removing_a_file(
    member_client, member, draft, evidence, django_capture_on_commit_callbacks
):
    storage = private_storage()
    with django_capture_on_commit_callbacks() as callbacks:
        response = member_client.post(remove_url(evidence))
        evidence.refresh_from_db()
        assert evidence.removed_at is not None
        assert storage.exists(evidence.storage_key)  # not until the removal has committed
    for callback in callbacks:
        callback()
    assert not storage.exists(evidence.storage_key)

    assert response.status_code == 302
    assert response["Location"] == f"{section_url(draft)}#evidence"
    assert evidence.removed_by == member
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()  # the record stays
    event = AuditEvent.objects.get(action="evidence.removed")
    assert event.actor == member
    assert event.changes == {
        "file": evidence.pk,
        "scan_status": "not_scanned",
    }

    page = member_client.get(response["Location"])
    assert "Removed policy.pdf." in page.content.decode()
    assert evidence_rows(page) == {}
    assert member_client.get(download_url(evidence)).status_code == 404
    assert member_client.get(remove_url(evidence)).status_code == 404
    # A double click's second sending goes where the first went; later, it is not found.
    repeat = member_client.post(remove_url(evidence))
    assert repeat.status_code == 302 and repeat["Location"] == response["Location"]
    later = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert member_client.post(remove_url(evidence)).status_code == 404


def test_a_quarantined_file_can_be_removed(lead_client, draft, evidence):
    EvidenceFile.objects.filter(pk=evidence.pk).update(scan_status="infected")
    page = lead_client.get(remove_url(evidence)).content.decode()
    assert "quarantined because it contains a virus" in page
    assert lead_client.post(remove_url(evidence)).status_code == 302
    evidence.refresh_from_db()
    assert evidence.removed_at is not None


def test_files_cannot_be_removed_after_submission(lead_client, lead, draft, evidence):
    lock(draft)
    for response in (lead_client.get(remove_url(evidence)), lead_client.post(remove_url(evidence))):
        assert response.status_code == 302
        assert response["Location"] == reverse("agency:application", args=[draft.pk])
    evidence.refresh_from_db()
    assert evidence.removed_at is None
    assert private_storage().exists(evidence.storage_key)
    assert not AuditEvent.objects.filter(action="evidence.removed").exists()
    with pytest.raises(PermissionDenied):
        remove_evidence_file(actor=lead, evidence=evidence)


def test_files_cannot_be_added_after_submission(lead, draft):
    lock(draft)
    with pytest.raises(PermissionDenied):
        add_evidence_file(
            actor=lead,
            application=draft,
            section_key=SECTION,
            uploaded_file=SimpleUploadedFile("policy.pdf", text_pdf()),
        )
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize("who", ["other agency", "moderator", "staff"])
def test_people_outside_the_agency_cannot_remove_files(client, evidence, who):
    person = {
        "other agency": lambda: MembershipFactory(role="lead").user,
        "moderator": lambda: make_moderator().user,
        "staff": make_staff,
    }[who]()
    client.force_login(person)
    assert client.get(remove_url(evidence)).status_code == 404
    assert client.post(remove_url(evidence)).status_code == 404
    evidence.refresh_from_db()
    assert evidence.removed_at is None


def test_anonymous_people_are_sent_to_sign_in(client, evidence):
    response = client.post(remove_url(evidence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    evidence.refresh_from_db()
    assert evidence.removed_at is None


def test_removal_deletes_the_extracted_text_and_cached_findings_and_the_log_has_no_name(
    settings, lead, draft, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from applications.selectors.identifiers import cached_scan_keys, identifier_findings

    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    name = "Amelia Jones case study.txt"
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add_evidence_file(
            actor=lead,
            application=draft,
            section_key=SECTION,
            uploaded_file=SimpleUploadedFile(name, b"Baby Amelia was placed.", "text/plain"),
        )
    check_evidence(evidence.pk)
    evidence.refresh_from_db()
    assert "Amelia" in evidence.extracted_text
    identifier_findings(draft)  # the check scans the file and caches what it found
    keys = cached_scan_keys(evidence)
    assert len(cache.get_many(keys)) == 2  # for its text and for its name

    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence_file(actor=lead, evidence=evidence)
    evidence.refresh_from_db()
    assert evidence.extracted_text == ""
    assert cache.get_many(keys) == {}
    assert all(
        item.file is None or item.file.pk != evidence.pk for item in identifier_findings(draft)
    )
    # The log says a file was uploaded and removed, by its id, without its name.
    events = AuditEvent.objects.filter(action__in=["evidence.uploaded", "evidence.removed"])
    assert events.count() == 2
    assert all("Amelia" not in str(event.changes) for event in events)
    assert evidence.original_name == name  # the name stays with the file
