from celery import shared_task

from .services import run_retention


@shared_task(name="qualitymark.governance.tasks.apply_retention")
def apply_retention() -> dict:
    """The daily retention job. Safe to run twice: what was done is not due again."""
    return {outcome.rule.key: outcome.count for outcome in run_retention(dry_run=False)}
