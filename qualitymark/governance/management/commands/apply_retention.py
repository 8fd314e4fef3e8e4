from django.core.management.base import BaseCommand

from qualitymark.governance.services import run_retention

DONE = {"delete": "deleted", "anonymise": "anonymised", "close": "closed"}


class Command(BaseCommand):
    help = "Carry out the retention schedule (or, with --dry-run, say what it would do)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what is due; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        outcomes = run_retention(dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        for outcome in outcomes:
            rule = outcome.rule
            self.stdout.write(
                f"{rule.key}: {outcome.count} {verb} {DONE[rule.action]} "
                f"(before {outcome.cutoff:%Y-%m-%d})"
            )
            for example in outcome.examples:
                self.stdout.write(f"  - {example}")
