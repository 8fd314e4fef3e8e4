"""Background jobs: thin wrappers that take ids and call a service. Each is
idempotent, so a job that runs twice (acks_late redelivery) changes nothing."""

from celery import shared_task

from .services.evidence import check_evidence, pending_evidence_ids


@shared_task(acks_late=True)
def check_evidence_file(evidence_id: int) -> str | None:
    """Virus-scan one evidence file and read its text; returns its scan status."""
    evidence = check_evidence(evidence_id)
    if evidence is None:
        return None
    if evidence.text_extracted and evidence.application.status == "draft":
        # Scan the new text now, so the next page the agency opens is quick.
        from .selectors.identifiers import identifier_findings

        identifier_findings(evidence.application)
    return evidence.scan_status


@shared_task
def check_pending_evidence_files() -> int:
    """Queue the check again for files whose job was lost (run by beat)."""
    ids = pending_evidence_ids()
    for evidence_id in ids:
        check_evidence_file.delay(evidence_id)
    return len(ids)
