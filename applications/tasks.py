"""Background jobs: thin wrappers that take ids and call a service."""

from celery import shared_task

from .services.evidence import check_evidence


@shared_task(acks_late=True)
def check_evidence_file(evidence_id: int) -> str | None:
    evidence = check_evidence(evidence_id)
    return evidence.scan_status if evidence is not None else None
