from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from qualitymark.core.demo import DEMO_AWARDS, DEMO_IN_PROGRESS, seed_demo
from qualitymark.core.demo_people import DEMO_PASSWORD, DEMO_PEOPLE


class Command(BaseCommand):
    help = "Create the local demo: agencies in every region, one person per role. Idempotent."

    def handle(self, *args, **options):
        try:
            # The demo's own e-mails (submissions, assignments) are not worth printing.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                seeded = seed_demo()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {len(seeded['agencies'])} agencies."))
        self.stdout.write(f"Every demo login uses the password {DEMO_PASSWORD!r} (local only):")
        for person in DEMO_PEOPLE:
            self.stdout.write(f"  {person.role:<14} {person.email}")
        self.stdout.write("Leads of other demo agencies, with work at each stage:")
        for agency, (email, *_), stage in DEMO_IN_PROGRESS:
            self.stdout.write(f"  {email:<36} {agency}: application {stage.replace('_', ' ')}")
        for agency, level, (email, *_) in DEMO_AWARDS:
            self.stdout.write(f"  {email:<36} {agency}: {level.replace('_', ' ')} award")
        self.stdout.write(
            "Moderators and staff are asked for an authenticator code: "
            "run `python manage.py demo_totp_code` to print the current one."
        )
