"""Check the audit trail's hash chain: report every edited, deleted, re-ordered
or back-dated event. Exits with status 1 when anything is wrong."""

from django.core.management.base import BaseCommand, CommandError

from qualitymark.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and report any event that was tampered with."

    def handle(self, *args, **options):
        result = verify_chain()
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(
                f"The audit trail has {len(result.problems)} problem(s) in {result.checked} events."
            )
        head = result.head_hash or "none"
        self.stdout.write(f"The audit trail is intact: {result.checked} events, last hash {head}.")
