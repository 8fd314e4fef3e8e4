"""A renewal carries over the earlier application's evidence files as copies
of their own: the stored file, its scan status and metadata; removing a copy
leaves the original in place."""

import pytest
from django.core.files.base import ContentFile

from applications.models.evidence import EvidenceFile, ScanStatus
from applications.services.evidence import remove_evidence_file
from applications.services.submissions import start_application
from qualitymark.files import storage
from tests.awards.factories import make_award

pytestmark = pytest.mark.django_db


def stored_file(application, user, *, section="q1", status=ScanStatus.CLEAN, body=b"minutes"):
    stored = storage.store_private_file(ContentFile(body), prefix=f"evidence/{application.pk}")
    return EvidenceFile.objects.create(
        application=application,
        section_key=section,
        storage_key=stored.key,
        original_name="Tracking meeting minutes.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=user,
        scan_status=status,
        scan_signature="",
        extracted_text="Minutes of the tracking meeting.",
        text_extracted=True,
    )


def test_renewal_copies_files_the_agency_can_remove_without_touching_originals(lead, agency):
    award = make_award(agency=agency)
    earlier = award.application
    original = stored_file(earlier, lead, body=b"tracking minutes")
    stored_file(earlier, lead, section="q2", status=ScanStatus.INFECTED)

    renewal = start_application(
        actor=lead, agency=agency, level_sought="full", kind="renewal", prefill_from=earlier
    )

    copy = renewal.evidence_files.get()
    assert copy.storage_key != original.storage_key
    for name in ("section_key", "original_name", "kind", "size", "sha256", "scan_status"):
        assert getattr(copy, name) == getattr(original, name)
    assert copy.extracted_text == original.extracted_text
    with storage.open_private_file(copy.storage_key) as handle:
        assert handle.read() == b"tracking minutes"

    remove_evidence_file(actor=lead, evidence=copy)
    original.refresh_from_db()
    assert original.removed_at is None
    with storage.open_private_file(original.storage_key) as handle:
        assert handle.read() == b"tracking minutes"
