"""Second-factor secrets encrypted at rest (allauth MFA's encrypt/decrypt hooks).

TOTP secrets and the recovery-code seeds are stored as ``enc1:<Fernet token>``.
The keys come from ``MFA_ENCRYPTION_KEYS`` (Fernet keys, comma-separated): the
first encrypts, every one of them decrypts, so a key is rotated by putting a new
key first, running ``manage.py reencrypt_mfa_secrets`` and then dropping the old
key. Without the setting a key is derived from ``DJANGO_SECRET_KEY``.
"""

from __future__ import annotations

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

PREFIX = "enc1:"
# The fields of Authenticator.data that hold secrets, by authenticator type.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


class NotEncrypted(ValueError):
    pass


def _keys() -> MultiFernet:
    keys = list(settings.MFA_ENCRYPTION_KEYS)
    if not keys:
        derived = hashlib.sha256(b"qualitymark-mfa:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    return PREFIX + _keys().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise NotEncrypted("A second-factor secret is stored without encryption.")
    return _keys().decrypt(stored.removeprefix(PREFIX).encode()).decode()


def reencrypt(stored: str) -> str:
    """The value encrypted with the first key (plain text is encrypted too)."""
    return encrypt(decrypt(stored) if stored.startswith(PREFIX) else stored)


def reencrypt_data(kind: str, data: dict) -> dict:
    """An Authenticator's data with every secret in it encrypted with the first key."""
    data = dict(data)
    for name in SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(name), str):
            data[name] = reencrypt(data[name])
    for name in SECRET_LISTS.get(kind, ()):
        if isinstance(data.get(name), list):
            data[name] = [reencrypt(value) for value in data[name]]
    return data


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)
