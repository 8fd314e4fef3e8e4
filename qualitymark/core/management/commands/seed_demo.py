from django.core.management.base import BaseCommand, CommandError

from qualitymark.core.demo import DEMO_PASSWORD, DEMO_PEOPLE, seed_demo


class Command(BaseCommand):
    help = "Create the local demo: agencies in every region, one person per role. Idempotent."

    def handle(self, *args, **options):
        try:
            seeded = seed_demo()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {len(seeded['agencies'])} agencies."))
        self.stdout.write(f"Every demo login uses the password {DEMO_PASSWORD!r} (local only):")
        for person in DEMO_PEOPLE:
            self.stdout.write(f"  {person.role:<14} {person.email}")
        self.stdout.write(
            "Moderators and staff are asked for an authenticator code: "
            "run `python manage.py demo_totp_code` to print the current one."
        )
