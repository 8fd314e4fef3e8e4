"""What a renewal or upgrade carries over from the earlier application: the
answers, and the evidence files as copies of their own."""

from __future__ import annotations

from qualitymark.files import storage

from ..models.evidence import SERVABLE_SCAN_STATUSES, EvidenceFile
from ..models.submissions import Application, SectionAnswer
from ..sections import CHANGES, descriptor_number

# What a copied file keeps from its original, besides a stored copy of its own.
COPIED_FILE_FIELDS = (
    "section_key",
    "original_name",
    "kind",
    "content_type",
    "size",
    "sha256",
    "uploaded_by_id",
    "scan_status",
    "scan_signature",
    "scanned_at",
    "extracted_text",
    "text_extracted",
)


def _carried_over(key: str, descriptor_numbers: set[int]) -> bool:
    number = descriptor_number(key)
    return number is None or number in descriptor_numbers


def copy_answers(source: Application, target: Application, actor) -> list[str]:
    """Copy answers into a renewal or upgrade. Descriptor answers follow the
    descriptor number, so they carry across framework versions. Every copied
    section starts as in progress: the agency must read it again."""
    numbers = set(target.framework.descriptors.values_list("number", flat=True))
    copied = []
    for answer in source.answers.exclude(key=CHANGES):
        if not answer.data or not _carried_over(answer.key, numbers):
            continue
        SectionAnswer.objects.create(
            application=target,
            key=answer.key,
            data=answer.data,
            state=SectionAnswer.State.IN_PROGRESS,
            updated_by=actor,
        )
        copied.append(answer.key)
    return copied


def copy_evidence(source: Application, target: Application) -> list[int]:
    """Copy the earlier application's files in the descriptor sections: each
    gets its own stored copy, so the agency can remove it from the new
    application without touching the original. Files that were never cleared
    to be served (quarantined, unchecked) stay behind. Returns the copies' ids."""
    numbers = set(target.framework.descriptors.values_list("number", flat=True))
    originals = source.evidence_files.current().filter(scan_status__in=SERVABLE_SCAN_STATUSES)
    stored_keys: list[str] = []
    copies = []
    try:
        for original in originals.order_by("uploaded_at", "id"):
            if descriptor_number(original.section_key) is None:
                continue
            if not _carried_over(original.section_key, numbers):
                continue
            stored = storage.copy_private_file(original.storage_key, prefix=f"evidence/{target.pk}")
            stored_keys.append(stored.key)
            fields = {name: getattr(original, name) for name in COPIED_FILE_FIELDS}
            copies.append(
                EvidenceFile.objects.create(application=target, storage_key=stored.key, **fields)
            )
    except BaseException:
        for key in stored_keys:
            storage.delete_private_file(key)
        raise
    return [copy.pk for copy in copies]
