"""Run the daily jobs once, in this process, without Celery beat: review and
information-request reminders, award expiry and its reminders, a new check
of any evidence file whose check was lost, and the outbox sweep (e-mails and
jobs that are overdue are done here, in this process). Safe to run again the
same day: each reminder goes once per due date and an expired award stays
expired."""

from django.core.management.base import BaseCommand

from applications.tasks import check_pending_evidence_files
from moderation.tasks import (
    run_award_expiry,
    send_action_plan_reminders,
    send_moderation_reminders,
)
from qualitymark.core.outbox import sweep


class Command(BaseCommand):
    help = "Run the daily jobs (reminders, award expiry) once; safe to repeat."

    def handle(self, *args, **options):
        reminders = send_moderation_reminders()
        expiry = run_award_expiry()
        plans = send_action_plan_reminders()
        rechecked = check_pending_evidence_files()
        swept = sweep(inline=True)
        self.stdout.write(
            f"Review reminders sent: {reminders['reviews']}\n"
            f"Information request reminders sent: {reminders['information_requests']}\n"
            f"Awards expired: {expiry['expired']}\n"
            f"Award expiry reminders sent: {expiry['reminders']}\n"
            f"Action plan reminders sent: {plans['reminders']}\n"
            f"Evidence checks queued again: {rechecked}"
        )
        for name, count in swept.items():
            self.stdout.write(f"Outbox sweep, {name}: {count}")
