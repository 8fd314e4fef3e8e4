"""The jobs Celery beat runs, in one place. `manage.py run_daily_jobs` runs the daily
ones once for a deployment without beat."""

from celery.schedules import crontab


def beat_schedule(*, outbox_sweep_seconds: float) -> dict:
    return {
        "check-pending-evidence-files": {
            "task": "applications.tasks.check_pending_evidence_files",
            "schedule": 600.0,
        },
        "moderation-reminders": {
            "task": "moderation.tasks.send_moderation_reminders",
            "schedule": crontab(hour=7, minute=30),
        },
        "awards-expiry": {
            "task": "moderation.tasks.run_award_expiry",
            "schedule": crontab(hour=1, minute=15),
        },
        "action-plan-reminders": {
            "task": "moderation.tasks.send_action_plan_reminders",
            "schedule": crontab(hour=7, minute=45),
        },
        # The retention schedule (qualitymark.governance), every night.
        "apply-retention": {
            "task": "qualitymark.governance.tasks.apply_retention",
            "schedule": crontab(hour=2, minute=30),
        },
        "outbox-sweep": {
            "task": "qualitymark.core.tasks.sweep",
            "schedule": float(outbox_sweep_seconds),
        },
    }
