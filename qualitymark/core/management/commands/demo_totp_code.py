import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qualitymark.core.demo_people import DEMO_TOTP_SECRET

TOTP_PERIOD = getattr(settings, "MFA_TOTP_PERIOD", 30)


class Command(BaseCommand):
    help = "Print the current authenticator code shared by the demo moderators and staff."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo codes exist only on a local demo.")
        counter = int(time.time()) // TOTP_PERIOD
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
        seconds_left = TOTP_PERIOD - int(time.time()) % TOTP_PERIOD
        self.stdout.write(f"{code}  (valid for about {seconds_left} more seconds)")
