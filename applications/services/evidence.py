"""Every write about evidence files: adding, removing, and the background
check (virus scan and text extraction) that makes a file available.

A file is stored as soon as it passes the upload checks, under a random key,
and starts as ``pending``: it is not served until the background check has
marked it ``clean`` (scanned by clamd) or ``not_scanned`` (no scanner is
configured). An infected file is moved under ``quarantine/`` and its uploader
is told; a scan that could not be completed leaves it as ``error``, which is
never served: the uploader removes it and uploads it again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from qualitymark.audit.services import record_event
from qualitymark.core.outbox import publish
from qualitymark.core.permissions import require_perm
from qualitymark.files import ceilings, scanning, storage, text_extraction
from qualitymark.files.validation import UploadRejected, describe_size, validate_upload
from qualitymark.notifications.services import notify

from ..models.evidence import SERVABLE_SCAN_STATUSES, EvidenceFile, ScanStatus
from ..models.submissions import Application
from ..rules import INFORMATION_PREFIX, FileSection
from ..selectors.identifiers import cached_scan_keys
from .submissions import clear_declaration_after_change

__all__ = [
    "add_evidence_file",
    "check_evidence",
    "page_of_file",
    "pending_evidence_ids",
    "record_download",
    "remove_evidence_file",
]

logger = logging.getLogger(__name__)

# Documents are read for the guard; pictures give no text, so a person must check them.
TEXT_KINDS = text_extraction.TEXT_KINDS | text_extraction.PICTURE_KINDS
QUARANTINE_PREFIX = "quarantine"


def _ensure_may_change_files(actor, application: Application, section_key: str) -> None:
    require_perm(
        actor,
        "applications.change_files",
        FileSection(application, section_key),
        message="You cannot add or remove files here.",
    )


def _check_limits(application: Application, section_key: str, size: int) -> None:
    current = application.evidence_files.current()
    most = settings.EVIDENCE_MAX_FILES_PER_SECTION
    if current.filter(section_key=section_key).count() >= most:
        raise UploadRejected(
            f"You can upload up to {most} files for each section. Remove one before adding another."
        )
    used = current.aggregate(total=Sum("size"))["total"] or 0
    limit = settings.EVIDENCE_MAX_APPLICATION_BYTES
    if used + size > limit:
        left = max(limit - used, 0)
        raise UploadRejected(
            f"The files for this application can add up to {describe_size(limit)} at most, "
            f"and you have {describe_size(left)} left. Remove a file, or make this one smaller."
        )


def add_evidence_file(
    *, actor, application: Application, section_key: str, uploaded_file
) -> EvidenceFile:
    """Check an upload, store it privately under a random key and queue its
    background check. Raises UploadRejected with the reason to show.

    The file is checked and stored before the application is locked, so a slow
    upload to S3 does not hold up other saves; the limits are checked again
    under the lock, and the stored copy is deleted if the record is not made.
    """
    _ensure_may_change_files(actor, application, section_key)
    checked = validate_upload(uploaded_file, max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES)
    _check_limits(application, section_key, checked.size)
    stored = storage.store_private_file(uploaded_file, prefix=f"evidence/{application.pk}")
    try:
        evidence = _record_upload(
            actor=actor,
            application=application,
            section_key=section_key,
            checked=checked,
            stored=stored,
        )
    except BaseException:
        storage.delete_private_file(stored.key)
        raise
    return evidence


@transaction.atomic
def _record_upload(*, actor, application, section_key, checked, stored) -> EvidenceFile:
    application = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_may_change_files(actor, application, section_key)
    _check_limits(application, section_key, stored.size)
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
    if not application.is_locked:
        clear_declaration_after_change(application, actor)
    record_event(
        actor=actor,
        action="evidence.uploaded",
        target=application,
        changes={
            "file": evidence.pk,
            "section": section_key,
            "kind": evidence.kind,
            "size": evidence.size,
            "sha256": evidence.sha256,
        },
    )
    _queue_check(evidence.pk)
    return evidence


def _queue_check(evidence_id: int) -> None:
    from ..tasks import check_evidence_file

    # Robust: if the broker is down the upload still stands; the file stays
    # "Checking" until check_pending_evidence_files picks it up.
    # A dead broker does not fail the upload: the sweep queues the check again.
    transaction.on_commit(lambda: publish(check_evidence_file, evidence_id), robust=True)


@transaction.atomic
def remove_evidence_file(*, actor, evidence: EvidenceFile) -> EvidenceFile:
    """Take a file out of the application (soft: the record stays, with who and
    when, but not the text read from it) and delete the stored copy once that has
    committed. Audit events name a file by its id only: its name may identify someone,
    so it stays on the file's record."""
    application = Application.objects.select_for_update().get(pk=evidence.application_id)
    _ensure_may_change_files(actor, application, evidence.section_key)
    evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
    if evidence.removed_at is not None:
        return evidence
    scan_keys = cached_scan_keys(evidence)
    evidence.removed_at = timezone.now()
    evidence.removed_by = actor
    evidence.extracted_text = ""  # the document's words go with it, and its findings
    evidence.save(update_fields=["removed_at", "removed_by", "extracted_text"])
    if not application.is_locked:
        clear_declaration_after_change(application, actor)
    record_event(
        actor=actor,
        action="evidence.removed",
        target=application,
        changes={
            "file": evidence.pk,
            "scan_status": evidence.scan_status,
        },
    )
    key = evidence.storage_key
    transaction.on_commit(lambda: storage.delete_private_file(key), robust=True)
    transaction.on_commit(lambda: _forget_scans(scan_keys), robust=True)
    return evidence


def _forget_scans(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # noqa: BLE001 - a cache outage must not stop a removal
        logger.warning("Could not delete a removed file's cached findings", exc_info=True)


# --- The background check --------------------------------------------------------------------


def _lock_pending(evidence_id: int) -> EvidenceFile | None:
    """The file, locked, if it still waits for its check; otherwise None."""
    return (
        EvidenceFile.objects.select_for_update()
        .select_related("application", "uploaded_by")
        .filter(pk=evidence_id, scan_status=ScanStatus.PENDING, removed_at__isnull=True)
        .first()
    )


def check_evidence(evidence_id: int) -> EvidenceFile | None:
    """The background check: scan for viruses when clamd is configured, then
    read the document's text for the anonymisation guard.

    Idempotent: a file that has been checked (or removed) is left alone, and the
    result is written only if the file is still pending, under a row lock, so
    two workers checking the same file at once record one result. The scan
    itself runs without holding any lock.
    """
    evidence = EvidenceFile.objects.filter(pk=evidence_id).first()
    if (
        evidence is None
        or evidence.removed_at is not None
        or evidence.scan_status != ScanStatus.PENDING
    ):
        return evidence

    if scanning.scanner_configured():
        result = scanning.scan_file(evidence.storage_key)
        status, signature = result.status, (result.signature or "")[:200]
    else:
        status, signature = ScanStatus.NOT_SCANNED, ""

    if status == ScanStatus.INFECTED:
        return _quarantine(evidence_id, signature)

    text = ""
    extracted = status in SERVABLE_SCAN_STATUSES and evidence.kind in TEXT_KINDS
    if extracted:
        # PostgreSQL text cannot hold NUL characters (PDF text sometimes has them).
        text = ceilings.extract_text_within_ceilings(evidence.storage_key, evidence.kind)
        text = text.replace("\x00", "")

    with transaction.atomic():
        locked = _lock_pending(evidence_id)
        if locked is None:
            return EvidenceFile.objects.filter(pk=evidence_id).first()
        locked.scan_status = status
        locked.scan_signature = signature
        locked.scanned_at = timezone.now()
        locked.extracted_text = text
        locked.text_extracted = extracted
        locked.save(
            update_fields=[
                "scan_status",
                "scan_signature",
                "scanned_at",
                "extracted_text",
                "text_extracted",
            ]
        )
        record_event(
            actor=None,
            action="evidence.checked",
            target=locked.application,
            changes={"file": locked.pk, "scan_status": status},
        )
    if status == ScanStatus.ERROR:
        logger.warning("Evidence file %s could not be virus-scanned", evidence_id)
    return locked


def _quarantine(evidence_id: int, signature: str) -> EvidenceFile | None:
    """Move an infected file out of the evidence store and tell the uploader.

    The copy under quarantine/ is kept for Coram's IT team to look at; the
    original key is deleted, so nothing under evidence/ holds the virus.
    """
    with transaction.atomic():
        evidence = _lock_pending(evidence_id)
        if evidence is None:
            return EvidenceFile.objects.filter(pk=evidence_id).first()
        original_key = evidence.storage_key
        wanted_key = f"{QUARANTINE_PREFIX}/{original_key.replace('/', '-')}"
        with storage.open_private_file(original_key) as source:
            quarantined_key = storage.private_storage().save(wanted_key, source)
        storage.delete_private_file(original_key)
        evidence.scan_status = ScanStatus.INFECTED
        evidence.scan_signature = signature
        evidence.scanned_at = timezone.now()
        evidence.storage_key = quarantined_key
        evidence.save(update_fields=["scan_status", "scan_signature", "scanned_at", "storage_key"])
        record_event(
            actor=None,
            action="evidence.quarantined",
            target=evidence.application,
            changes={"file": evidence.pk, "signature": signature, "key": quarantined_key},
        )
        application = evidence.application
        notify(
            template="evidence_quarantined",
            to=[evidence.uploaded_by.email],
            context={
                "evidence": evidence,
                "application": application,
                "section_url": settings.SITE_URL + page_of_file(evidence),
            },
            dedupe_key=f"evidence-quarantined-{evidence.pk}",
        )
    logger.warning("Evidence file %s quarantined: %s", evidence_id, signature)
    return evidence


def pending_evidence_ids(*, older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    """Files still waiting for their check after ``older_than`` (their job was
    lost, e.g. the broker was down when they were uploaded)."""
    cutoff = timezone.now() - older_than
    return list(
        EvidenceFile.objects.current()
        .filter(scan_status=ScanStatus.PENDING, uploaded_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def page_of_file(evidence: EvidenceFile) -> str:
    """The page where the agency sees this file: its section, or the
    information request it was sent with."""
    if evidence.section_key.startswith(INFORMATION_PREFIX):
        request_pk = evidence.section_key.removeprefix(INFORMATION_PREFIX)
        return reverse(
            "agency:information_request", args=[evidence.application_id, int(request_pk)]
        )
    return reverse("agency:section", args=[evidence.application_id, evidence.section_key])


def record_download(*, actor, evidence: EvidenceFile) -> None:
    record_event(
        actor=actor,
        action="evidence.downloaded",
        target=evidence.application,
        changes={
            "file": evidence.pk,
            "sha256": evidence.sha256,
            "signed_url": storage.uses_signed_urls(),
        },
    )
