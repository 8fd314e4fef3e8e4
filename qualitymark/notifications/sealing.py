"""Secrets an e-mail needs only while it is being sent (an invitation's link).

The queued record keeps the message with a placeholder where each secret goes
and the secrets themselves encrypted with a key derived from the server's
SECRET_KEY, so neither the notification log nor a copy of the database gives
the link away. Delivery puts them back; once sent they are erased."""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SealBroken(Exception):
    """The sealed secrets cannot be read: the server's secret key changed."""


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"email-seal:{key}".encode()).digest()))
            for key in keys
        ]
    )


def seal(body: str, secrets: dict[str, str]) -> tuple[str, str]:
    """`body` with each secret replaced by its placeholder (the keys of
    `secrets`), and the encrypted secrets."""
    for placeholder, secret in secrets.items():
        body = body.replace(secret, placeholder)
    return body, _fernet().encrypt(json.dumps(secrets).encode()).decode()


def unseal(body: str, sealed: str) -> str:
    """The body as it is sent, with the secrets back in their places."""
    if not sealed:
        return body
    try:
        secrets = json.loads(_fernet().decrypt(sealed.encode()))
    except InvalidToken as error:
        raise SealBroken("The link in this message can no longer be read") from error
    for placeholder, secret in secrets.items():
        body = body.replace(placeholder, secret)
    return body
