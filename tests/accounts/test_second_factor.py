"""Authenticator apps: who must have one, setting one up, and using one to sign in.

Codes are computed from the secret the way a phone app computes them (RFC 6238);
nothing here is mocked."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from qualitymark.audit.models import AuditEvent
from qualitymark.core.middleware import SECOND_FACTOR_NEXT_KEY
from tests.factories import (
    MembershipFactory,
    ModeratorProfileFactory,
    UserFactory,
    enrol_totp,
    has_totp,
)

from .helpers import (
    is_signed_in,
    location,
    open_activation_page,
    open_sensitive_page,
    secret_from_page,
    sign_in,
    totp_code,
)

pytestmark = pytest.mark.django_db

ACTIVATE = reverse("mfa_activate_totp")


def _moderator():
    return ModeratorProfileFactory().user


def _chair():
    return ModeratorProfileFactory(is_chair=True).user


def _coram_staff():
    return UserFactory(is_coram_staff=True)


def _admin_user():
    return UserFactory(is_staff=True)


@pytest.mark.parametrize(
    ("make_user", "path"),
    [
        (_moderator, "/moderation/"),
        (_chair, "/moderation/"),
        (_coram_staff, "/staff/"),
        (_coram_staff, "/moderation/"),
        (_admin_user, "/admin/"),
    ],
)
def test_protected_pages_wait_for_an_authenticator_app(client, make_user, path):
    user = make_user()
    sign_in(client, user.email)

    response = client.get(path)

    assert response.status_code == 302
    assert location(response) == ACTIVATE
    assert client.session[SECOND_FACTOR_NEXT_KEY] == path


@pytest.mark.django_db(transaction=True)
def test_a_moderator_sets_up_the_app_and_reaches_the_page_they_wanted(client, mailoutbox):
    """Runs with real commits, so allauth's after-commit work (the audit event,
    the notification e-mail) happens inside the request as it does live."""
    moderator = _moderator()
    sign_in(client, moderator.email)
    wanted = reverse("moderation:queue") + "?sort=oldest"

    response = client.get(wanted)
    assert location(response) == ACTIVATE
    # The next page says why they were sent away (allauth may first ask for the
    # password again, in which case that page says it).
    assert b"You need to set up an authenticator app before you can open that page." in (
        client.get(ACTIVATE, follow=True).content
    )

    page = open_activation_page(client)
    html = page.content.decode()
    assert "You must use an authenticator app because you moderate applications." in html
    assert '<img class="qm-qr-code" src="data:image/svg+xml;base64,' in html
    secret = secret_from_page(html)
    assert secret == client.session["mfa.totp.secret"]

    wrong = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert b'class="govuk-error-summary"' in wrong.content
    assert b'<a href="#id_code">' in wrong.content
    assert not has_totp(moderator)

    response = client.post(ACTIVATE, {"code": totp_code(secret)})

    assert has_totp(moderator)
    # Recovery codes are made at the same time and shown straight away.
    assert Authenticator.objects.filter(
        user=moderator, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    assert location(response) == reverse("mfa_view_recovery_codes")
    codes_page = client.get(location(response)).content.decode()
    codes = RecoveryCodes(
        Authenticator.objects.get(user=moderator, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) == 10
    for code in codes:
        assert f"<li>{code}</li>" in codes_page
    assert f'href="{wanted}"' in codes_page.replace("&amp;", "&")
    assert AuditEvent.objects.filter(
        action="auth.second_factor_added", actor=moderator, changes={"type": "totp"}
    ).exists()

    response = client.get(wanted)
    assert response.status_code == 200
    assert SECOND_FACTOR_NEXT_KEY not in client.session


def test_coram_staff_are_told_why_they_need_the_app(client):
    staff = _coram_staff()
    sign_in(client, staff.email)

    html = open_activation_page(client).content.decode()

    assert "because you manage the scheme as Coram staff" in html


def test_admin_users_set_up_the_app_before_the_admin_opens(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, admin_user.email)
    assert location(client.get("/admin/")) == ACTIVATE

    page = open_activation_page(client).content.decode()
    assert "can open the technical administration site" in page
    client.post(ACTIVATE, {"code": totp_code(secret_from_page(page))})

    recovery_page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert 'href="/admin/"' in recovery_page
    assert client.get("/admin/").status_code == 200


def test_the_admin_sign_in_form_is_replaced_by_the_service_sign_in(client):
    """The admin's own form would skip the second factor."""
    response = client.get("/admin/login/?next=/admin/users/user/")
    assert location(response) == f"{reverse('account_login')}?next=%2Fadmin%2Fusers%2Fuser%2F"

    admin_user = UserFactory(is_staff=True)
    response = client.post("/admin/login/", {"username": admin_user.email, "password": "x"})
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_signed_in_people_without_admin_access_do_not_loop_through_sign_in(client):
    lead = MembershipFactory(role="lead").user
    sign_in(client, lead.email)

    assert client.get("/admin/login/?next=/admin/").status_code == 404


def test_agency_users_are_never_forced_to_set_up_the_app(client):
    lead = MembershipFactory(role="lead").user
    sign_in(client, lead.email)

    assert client.get(reverse("agency:dashboard")).status_code == 200
    assert SECOND_FACTOR_NEXT_KEY not in client.session
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert b"optional for agency staff" in index.content
    activate = open_activation_page(client)
    assert b"This is optional for agency staff" in activate.content


def test_agency_users_can_choose_to_set_up_the_app(client):
    lead = MembershipFactory(role="lead").user
    sign_in(client, lead.email)

    page = open_activation_page(client).content.decode()
    response = client.post(ACTIVATE, {"code": totp_code(secret_from_page(page))})

    assert location(response) == reverse("mfa_view_recovery_codes")
    assert has_totp(lead)
    codes_page = client.get(location(response)).content.decode()
    assert f'href="{reverse("core:dashboard")}"' in codes_page


def test_signing_in_with_the_app_asks_for_a_code(client):
    moderator = _moderator()
    secret = enrol_totp(moderator)

    response = sign_in(client, moderator.email)

    assert location(response) == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    assert client.get(reverse("moderation:queue")).status_code == 302  # still signed out
    page = client.get(reverse("mfa_authenticate"))
    assert b"Enter the code from your authenticator app" in page.content

    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert wrong.status_code == 200
    assert b"The code is not right." in wrong.content
    assert b'<a href="#id_code">' in wrong.content
    assert not is_signed_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert location(response) == reverse("core:dashboard")
    assert is_signed_in(client)
    assert client.get(reverse("moderation:queue")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.sign_in", actor=moderator).count() == 1


def test_a_code_cannot_be_used_twice(client):
    moderator = _moderator()
    secret = enrol_totp(moderator)
    code = totp_code(secret)
    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("account_logout"))

    sign_in(client, moderator.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_a_recovery_code_works_once(client):
    moderator = _moderator()
    enrol_totp(moderator)
    recovery = RecoveryCodes.activate(moderator)
    code = recovery.get_unused_codes()[0]

    sign_in(client, moderator.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert location(response) == reverse("core:dashboard")
    assert is_signed_in(client)
    index = client.get(reverse("mfa_index")).content.decode()
    assert "9 of 10 codes left" in index

    client.post(reverse("account_logout"))
    sign_in(client, moderator.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 200
    assert b"The code is not right." in response.content
    assert not is_signed_in(client)


def test_cancelling_the_code_step_signs_nobody_in(client):
    moderator = _moderator()
    enrol_totp(moderator)
    sign_in(client, moderator.email)
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert 'form="logout-from-stage"' in page

    response = client.post(reverse("account_logout"), {"next": reverse("account_login")})

    assert location(response) == reverse("account_login")
    assert client.get(reverse("mfa_authenticate")).status_code == 302


def test_turning_the_app_off_warns_people_who_need_it(client):
    moderator = _moderator()
    secret = enrol_totp(moderator)
    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    page = open_sensitive_page(client, reverse("mfa_deactivate_totp"))

    assert b"Your role needs an authenticator app." in page.content
    client.post(reverse("mfa_deactivate_totp"))
    assert not has_totp(moderator)
    assert location(client.get(reverse("moderation:queue"))) == ACTIVATE
