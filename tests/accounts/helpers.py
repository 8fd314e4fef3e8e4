"""Helpers for the account tests: sign in through the real forms, and make
authenticator codes the way a phone app would."""

import re
import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for this secret (RFC 6238).

    Waits for the next period if this one is about to end, so the server
    checks the code in the same 30-second window it was made in."""
    period = mfa_settings.TOTP_PERIOD
    remaining = period - (time.time() % period)
    if remaining < 2:
        time.sleep(remaining + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def secret_from_page(html: str) -> str:
    """The key shown on the activation page for people who cannot scan the QR code."""
    match = re.search(r'id="authenticator-secret">([A-Z2-7 ]+)</code>', html)
    assert match, "the activation page does not show the key"
    return match.group(1).replace(" ", "")


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def location(response) -> str:
    return response["Location"]


def open_sensitive_page(client, url, password=PASSWORD):
    """Open a page that changes how someone signs in. allauth asks for the
    password again first (unless it was confirmed in the last few minutes);
    answer it the way a person would."""
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith(
        reverse("account_reauthenticate")
    ):
        confirm = client.get(response["Location"])
        assert confirm.status_code == 200
        assert b"Confirm it is you" in confirm.content
        response = client.post(response["Location"], {"password": password})
        assert response["Location"] == url, response["Location"]
        response = client.get(url)
    assert response.status_code == 200, response
    return response


def open_activation_page(client, password=PASSWORD):
    return open_sensitive_page(client, reverse("mfa_activate_totp"), password)
