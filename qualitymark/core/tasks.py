"""Background jobs of the outbox (see outbox.py)."""

from celery import shared_task

from . import outbox


@shared_task(name="qualitymark.core.tasks.run_outbox_job")
def run_outbox_job(job_id: int) -> bool:
    return outbox.run_job(job_id)


@shared_task(name="qualitymark.core.tasks.sweep")
def sweep() -> dict:
    return outbox.sweep()
