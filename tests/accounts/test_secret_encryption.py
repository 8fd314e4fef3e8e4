"""Second-factor secrets are encrypted at rest with keys from the environment,
rotate with `reencrypt_mfa_secrets`, were encrypted by a data migration, and are
never shown in the admin."""

import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from qualitymark.core.demo_people import DEMO_TOTP_SECRET
from qualitymark.users import secrets
from tests.factories import ModeratorProfileFactory, UserFactory, enrol_totp

from .helpers import is_signed_in, location, sign_in, totp_code

pytestmark = pytest.mark.django_db


def stored_data(authenticator_pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator_pk])
        return str(cursor.fetchone()[0])


def test_the_totp_secret_is_encrypted_in_the_database_and_still_signs_in(client):
    moderator = ModeratorProfileFactory().user
    secret = enrol_totp(moderator)
    totp = Authenticator.objects.get(user=moderator, type=Authenticator.Type.TOTP)
    raw = stored_data(totp.pk)
    assert secret not in raw
    assert totp.data["secret"].startswith(secrets.PREFIX)

    sign_in(client, moderator.email)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert location(response) == reverse("core:dashboard")
    assert is_signed_in(client)


def test_recovery_code_seeds_are_encrypted_and_the_codes_still_work(client):
    moderator = ModeratorProfileFactory().user
    enrol_totp(moderator)
    recovery = RecoveryCodes.activate(moderator)
    seed = secrets.decrypt(recovery.instance.data["seed"])
    assert seed not in stored_data(recovery.instance.pk)
    code = recovery.get_unused_codes()[0]
    sign_in(client, moderator.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert location(response) == reverse("core:dashboard")


def test_the_demo_code_keeps_working(client):
    from qualitymark.core.demo_people import _give_demo_authenticator

    moderator = ModeratorProfileFactory().user
    _give_demo_authenticator(moderator)
    sign_in(client, moderator.email)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)})
    assert location(response) == reverse("core:dashboard")


def test_keys_rotate_first_encrypts_all_decrypt(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [old]
    moderator = ModeratorProfileFactory().user
    secret = enrol_totp(moderator)
    totp = Authenticator.objects.get(user=moderator, type=Authenticator.Type.TOTP)
    before = totp.data["secret"]

    settings.MFA_ENCRYPTION_KEYS = [new, old]
    assert secrets.decrypt(before) == secret  # the old key still decrypts
    call_command("reencrypt_mfa_secrets", stdout=None)
    totp.refresh_from_db()
    assert totp.data["secret"] != before

    settings.MFA_ENCRYPTION_KEYS = [new]  # the old key is gone
    assert secrets.decrypt(totp.data["secret"]) == secret
    settings.MFA_ENCRYPTION_KEYS = [old]
    with pytest.raises(InvalidToken):
        secrets.decrypt(totp.data["secret"])


def test_the_data_migration_encrypts_secrets_stored_in_plain_text():
    moderator = UserFactory()
    plain = Authenticator.objects.create(
        user=moderator, type=Authenticator.Type.TOTP, data={"secret": DEMO_TOTP_SECRET}
    )
    migration = importlib.import_module("qualitymark.users.migrations.0002_encrypt_mfa_secrets")
    migration.encrypt_secrets(apps, connection.schema_editor())
    plain.refresh_from_db()
    assert DEMO_TOTP_SECRET not in stored_data(plain.pk)
    assert secrets.decrypt(plain.data["secret"]) == DEMO_TOTP_SECRET


def test_a_secret_stored_in_plain_text_is_refused():
    with pytest.raises(secrets.NotEncrypted):
        secrets.decrypt(DEMO_TOTP_SECRET)


def test_the_admin_never_shows_a_secret():
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    enrol_totp(admin_user)
    moderator = ModeratorProfileFactory().user
    secret = enrol_totp(moderator)
    totp = Authenticator.objects.get(user=moderator, type=Authenticator.Type.TOTP)
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert secret not in html
    assert secrets.PREFIX not in html
    assert totp.data["secret"].removeprefix(secrets.PREFIX)[:20] not in html
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
