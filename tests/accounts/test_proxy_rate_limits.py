"""Sign-in rate limits and the audit trail's address behind trusted proxies.

The TLS proxy connects from 10.0.0.2 and appends the address it saw to
X-Forwarded-For; anything left of that was written by the client."""

import pytest
from django.urls import reverse

from qualitymark.audit.models import AuditEvent
from tests.factories import PASSWORD, MembershipFactory

from .helpers import is_signed_in, location

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
TOO_MANY = "There have been too many failed attempts to sign in."


def sign_in_via_proxy(client, email, password, *, client_address, claimed=""):
    forwarded = f"{claimed}, {client_address}" if claimed else client_address
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_an_attacker_rotating_x_forwarded_for_cannot_lock_out_the_owner(client, behind_one_proxy):
    owner = MembershipFactory(role="lead").user
    for n in range(12):
        sign_in_via_proxy(
            client,
            owner.email,
            "not-the-password",
            client_address=ATTACKER,
            claimed=f"192.0.2.{n}",
        )
    # The attacker's own address is what was counted, whatever it claimed.
    blocked = sign_in_via_proxy(
        client, owner.email, "not-the-password", client_address=ATTACKER, claimed="192.0.2.99"
    )
    assert TOO_MANY in blocked.content.decode()

    response = sign_in_via_proxy(client, owner.email, PASSWORD, client_address=OWNER)
    assert location(response) == reverse("core:dashboard")
    assert is_signed_in(client)


def test_the_right_password_from_the_attackers_address_is_still_refused(client, behind_one_proxy):
    owner = MembershipFactory(role="lead").user
    for _ in range(5):
        sign_in_via_proxy(client, owner.email, "not-the-password", client_address=ATTACKER)
    response = sign_in_via_proxy(client, owner.email, PASSWORD, client_address=ATTACKER)
    assert TOO_MANY in response.content.decode()
    assert not is_signed_in(client)


def test_everyone_behind_the_proxy_is_not_one_address(client, behind_one_proxy):
    victim = MembershipFactory(role="member").user
    colleague = MembershipFactory(role="member").user
    for _ in range(6):
        sign_in_via_proxy(client, victim.email, "not-the-password", client_address=ATTACKER)
    response = sign_in_via_proxy(client, colleague.email, PASSWORD, client_address=OWNER)
    assert location(response) == reverse("core:dashboard")


def test_the_audit_trail_records_the_address_the_proxy_saw(client, behind_one_proxy):
    owner = MembershipFactory(role="lead").user
    sign_in_via_proxy(
        client, owner.email, "not-the-password", client_address=ATTACKER, claimed="192.0.2.1"
    )
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.ip_address == ATTACKER


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    owner = MembershipFactory(role="lead").user
    sign_in_via_proxy(client, owner.email, "not-the-password", client_address=ATTACKER)
    assert AuditEvent.objects.get(action="auth.sign_in_failed").ip_address == PROXY


@pytest.mark.parametrize("forwarded", ["not-an-address", "", " , ", "1.2.3.4.5", "\x00"])
def test_a_malformed_x_forwarded_for_falls_back_to_the_connecting_address(
    client, behind_one_proxy, forwarded
):
    owner = MembershipFactory(role="lead").user
    response = client.post(
        reverse("account_login"),
        {"login": owner.email, "password": "not-the-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="auth.sign_in_failed").ip_address == PROXY


def test_two_trusted_proxies_take_the_second_entry_from_the_right(client, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    owner = MembershipFactory(role="lead").user
    client.post(
        reverse("account_login"),
        {"login": owner.email, "password": "not-the-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}, 10.0.0.1",
    )
    assert AuditEvent.objects.get(action="auth.sign_in_failed").ip_address == ATTACKER
