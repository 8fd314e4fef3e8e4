"""Encrypt every second-factor secret again with the first of MFA_ENCRYPTION_KEYS
(after putting a new key first); secrets still in plain text are encrypted too."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from qualitymark.users.secrets import reencrypt_data


class Command(BaseCommand):
    help = "Re-encrypt second-factor secrets with the first key of MFA_ENCRYPTION_KEYS."

    @transaction.atomic
    def handle(self, *args, **options):
        count = 0
        for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
            data = reencrypt_data(authenticator.type, authenticator.data)
            if data != authenticator.data:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                count += 1
        self.stdout.write(f"Re-encrypted the secrets of {count} authenticators.")
