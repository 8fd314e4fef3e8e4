"""Every write about evidence files: adding, removing, and the background
check (virus scan and text extraction) that makes a file available."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from qualitymark.audit.services import record_event
from qualitymark.files import scanning, storage, text_extraction
from qualitymark.files.validation import UploadRejected, describe_size, validate_upload
from qualitymark.notifications.services import notify

from .. import rules as application_rules
from ..models import Application, EvidenceFile, ScanStatus

logger = logging.getLogger(__name__)

TEXT_KINDS = {"pdf", "docx", "txt", "csv"}


def _ensure_editable(actor, application: Application) -> None:
    if not application_rules.can_edit_application(actor, application):
        raise PermissionDenied("You cannot add or remove files on this application.")


def _check_limits(application: Application, section_key: str, size: int) -> None:
    current = application.evidence_files.current()
    if current.filter(section_key=section_key).count() >= settings.EVIDENCE_MAX_FILES_PER_SECTION:
        raise UploadRejected(
            f"You can upload up to {settings.EVIDENCE_MAX_FILES_PER_SECTION} files for each "
            "section. Remove one before adding another"
        )
    used = current.aggregate(total=Sum("size"))["total"] or 0
    limit = settings.EVIDENCE_MAX_APPLICATION_BYTES
    if used + size > limit:
        raise UploadRejected(
            f"The files for this application must add up to less than {describe_size(limit)}. "
            f"You have {describe_size(limit - used)} left"
        )


@transaction.atomic
def add_evidence_file(
    *, actor, application: Application, section_key: str, uploaded_file
) -> EvidenceFile:
    """Check an upload, store it privately under a random key and queue its
    background check. Raises UploadRejected with the reason."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(actor, application)
    checked = validate_upload(uploaded_file, max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES)
    _check_limits(application, section_key, checked.size)
    stored = storage.store_private_file(uploaded_file, prefix=f"evidence/{application.pk}")
    evidence = EvidenceFile.objects.create(
        application=application,
        section_key=section_key,
        storage_key=stored.key,
        original_name=checked.safe_name,
        kind=checked.kind,
        content_type=checked.mime_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor,
        scan_status=ScanStatus.PENDING,
    )
    record_event(
        actor=actor,
        action="evidence.uploaded",
        target=application,
        changes={
            "file": evidence.pk,
            "section": section_key,
            "name": evidence.original_name,
            "size": evidence.size,
            "sha256": evidence.sha256,
        },
    )
    from ..tasks import check_evidence_file

    transaction.on_commit(lambda: check_evidence_file.delay(evidence.pk))
    return evidence


@transaction.atomic
def remove_evidence_file(*, actor, evidence: EvidenceFile) -> EvidenceFile:
    application = Application.objects.select_for_update().get(pk=evidence.application_id)
    _ensure_editable(actor, application)
    evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
    if evidence.removed_at is not None:
        return evidence
    evidence.removed_at = timezone.now()
    evidence.removed_by = actor
    evidence.save(update_fields=["removed_at", "removed_by"])
    record_event(
        actor=actor,
        action="evidence.removed",
        target=application,
        changes={"file": evidence.pk, "name": evidence.original_name},
    )
    key = evidence.storage_key
    transaction.on_commit(lambda: storage.delete_private_file(key))
    return evidence


def check_evidence(evidence_id: int) -> EvidenceFile | None:
    """The background check: scan for viruses when clamd is configured, then
    read the document's text for the anonymisation guard. Idempotent: a file
    that has been checked already is left alone."""
    evidence = EvidenceFile.objects.filter(pk=evidence_id, removed_at__isnull=True).first()
    if evidence is None or evidence.scan_status != ScanStatus.PENDING:
        return evidence

    if scanning.scanner_configured():
        result = scanning.scan_file(evidence.storage_key)
        status, signature = result.status, result.signature or ""
    else:
        status, signature = ScanStatus.NOT_SCANNED, ""

    if status == ScanStatus.INFECTED:
        return _quarantine(evidence, signature)

    text = ""
    if status in (ScanStatus.CLEAN, ScanStatus.NOT_SCANNED) and evidence.kind in TEXT_KINDS:
        text = text_extraction.extract_text(evidence.storage_key, evidence.kind)

    with transaction.atomic():
        updated = EvidenceFile.objects.filter(
            pk=evidence.pk, scan_status=ScanStatus.PENDING
        ).update(
            scan_status=status,
            scan_signature=signature,
            scanned_at=timezone.now(),
            extracted_text=text,
            text_extracted=evidence.kind in TEXT_KINDS,
        )
        if updated:
            record_event(
                actor=None,
                action="evidence.checked",
                target=evidence.application,
                changes={"file": evidence.pk, "scan_status": status},
            )
    evidence.refresh_from_db()
    return evidence


def _quarantine(evidence: EvidenceFile, signature: str) -> EvidenceFile:
    """Move an infected file out of the evidence store and tell the uploader."""
    quarantined_key = f"quarantine/{evidence.storage_key.replace('/', '-')}"
    with storage.open_private_file(evidence.storage_key) as source:
        storage.private_storage().save(quarantined_key, source)
    storage.delete_private_file(evidence.storage_key)
    with transaction.atomic():
        updated = EvidenceFile.objects.filter(
            pk=evidence.pk, scan_status=ScanStatus.PENDING
        ).update(
            scan_status=ScanStatus.INFECTED,
            scan_signature=signature,
            scanned_at=timezone.now(),
            storage_key=quarantined_key,
        )
        if updated:
            record_event(
                actor=None,
                action="evidence.quarantined",
                target=evidence.application,
                changes={"file": evidence.pk, "signature": signature},
            )
            notify(
                template="evidence_quarantined",
                to=[evidence.uploaded_by.email],
                context={"evidence": evidence, "application": evidence.application},
                dedupe_key=f"evidence-quarantined-{evidence.pk}",
            )
    evidence.refresh_from_db()
    return evidence


def record_download(*, actor, evidence: EvidenceFile) -> None:
    record_event(
        actor=actor,
        action="evidence.downloaded",
        target=evidence.application,
        changes={"file": evidence.pk, "name": evidence.original_name},
    )
