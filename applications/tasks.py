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
    if evidence.text_extracted and evidence.application.state.agency_may_edit:
        # Scan the new text now, so the next page the agency opens is quick.
        from .selectors.identifiers import identifier_findings

        identifier_findings(evidence.application)
    return evidence.scan_status


@shared_task
def check_pending_evidence_files() -> int:
    """Queue the check again for files whose job was lost (run by beat)."""
    return requeue_pending_evidence()


def requeue_pending_evidence(*, inline: bool = False) -> int:
    """Also part of the outbox sweep (manage.py sweep_outbox)."""
    from qualitymark.core.outbox import publish

    ids = pending_evidence_ids()
    for evidence_id in ids:
        if inline:
            check_evidence_file(evidence_id)
        elif not publish(check_evidence_file, evidence_id):
            break
    return len(ids)
