from django.core.management.base import BaseCommand

from qualitymark.core.outbox import sweep


class Command(BaseCommand):
    help = (
        "Send again whatever should have happened after a change and has not: "
        "outbox jobs, e-mails the mail server has not accepted, missing certificates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--inline",
            action="store_true",
            help="Run the jobs in this process instead of queueing them for a worker.",
        )

    def handle(self, *args, inline=False, **options):
        report = sweep(inline=inline)
        for name, count in report.items():
            self.stdout.write(f"{name}: {count}")
