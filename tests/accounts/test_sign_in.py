"""Signing in and out, password reset, e-mail verification, audit and rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from qualitymark.audit.models import AuditEvent
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    ModeratorProfileFactory,
    UserFactory,
    enrol_totp,
)

from .helpers import is_signed_in, location, sign_in, totp_code

pytestmark = pytest.mark.django_db


def _follow(client, response):
    """Follow a redirect response to its end, returning the chain of paths."""
    chain = []
    while response.status_code in (301, 302):
        chain.append(location(response))
        response = client.get(location(response))
    return response, chain


def test_agency_lead_lands_on_their_agency(client):
    lead = MembershipFactory(role="lead").user

    response = sign_in(client, lead.email)

    assert location(response) == reverse("core:dashboard")
    page, chain = _follow(client, response)
    assert chain[-1] == reverse("agency:dashboard")
    assert page.status_code == 200
    assert is_signed_in(client)


def test_sign_in_ignores_the_case_of_the_email_address(client):
    lead = MembershipFactory(role="lead").user

    response = sign_in(client, lead.email.upper())

    assert location(response) == reverse("core:dashboard")


def test_moderator_lands_on_moderation_once_their_app_is_set_up(client):
    moderator = ModeratorProfileFactory().user
    secret = enrol_totp(moderator)

    response = sign_in(client, moderator.email)
    assert location(response) == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    page, chain = _follow(client, response)
    assert chain == [reverse("core:dashboard"), reverse("moderation:queue")]
    assert page.status_code == 200


def test_coram_staff_land_on_scheme_administration_once_their_app_is_set_up(client):
    staff = UserFactory(is_coram_staff=True)
    secret = enrol_totp(staff)

    sign_in(client, staff.email)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    page, chain = _follow(client, response)
    assert chain == [reverse("core:dashboard"), reverse("staff:home")]
    assert page.status_code == 200


def test_sign_in_returns_to_the_page_asked_for(client):
    lead = MembershipFactory(role="lead").user
    wanted = reverse("agency:dashboard")

    response = client.get(wanted)
    assert location(response) == f"{reverse('account_login')}?next={wanted}"

    response = client.post(
        f"{reverse('account_login')}?next={wanted}",
        {"login": lead.email, "password": PASSWORD, "next": wanted},
    )
    assert location(response) == wanted


def test_sign_in_refuses_to_send_people_to_another_site(client):
    lead = MembershipFactory(role="lead").user

    response = client.post(
        reverse("account_login"),
        {"login": lead.email, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert location(response) == reverse("core:dashboard")


def test_sign_out_needs_a_post_and_ends_the_session(client):
    lead = MembershipFactory(role="lead").user
    sign_in(client, lead.email)

    confirm = client.get(reverse("account_logout"))
    assert confirm.status_code == 200
    assert is_signed_in(client), "opening the sign-out page must not sign anyone out"
    assert b"Are you sure you want to sign out?" in confirm.content

    response = client.post(reverse("account_logout"))

    assert location(response) == reverse("core:home")
    assert not is_signed_in(client)
    assert AuditEvent.objects.filter(action="auth.sign_out", actor=lead).exists()
    home = client.get(location(response))
    assert b"You have signed out." in home.content


def test_sign_in_and_failed_sign_in_are_audited(client):
    lead = MembershipFactory(role="lead").user

    sign_in(client, lead.email, password="not-the-password")
    failed = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert failed.actor is None
    assert failed.changes == {}
    assert failed.personal.typed_email == lead.email
    assert failed.ip_address == "127.0.0.1"

    sign_in(client, lead.email)
    signed_in = AuditEvent.objects.get(action="auth.sign_in")
    assert signed_in.actor == lead
    assert signed_in.target_id == str(lead.pk)


def test_a_wrong_password_shows_an_error_summary_linked_to_the_field(client):
    lead = MembershipFactory(role="lead").user

    response = sign_in(client, lead.email, password="not-the-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Sign in" in html
    assert 'class="govuk-error-summary"' in html
    assert "There is a problem" in html
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert '<a href="#id_login">' in summary
    assert "The e-mail address or password is not right" in summary
    assert not is_signed_in(client)


def test_empty_fields_are_named_beside_the_field_and_in_the_summary(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    html = response.content.decode()
    assert '<a href="#id_login">Enter your e-mail address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    # Beside the field: the group is marked, the message is linked to the input.
    assert html.count("govuk-form-group--error") == 2
    assert 'id="id_login-error"' in html
    login_input = re.search(r'<input[^>]*id="id_login"[^>]*>', html).group(0)
    assert 'aria-describedby="id_login-error"' in login_input
    assert 'aria-invalid="true"' in login_input
    assert "govuk-input--error" in html


def test_failed_sign_ins_are_limited_per_email_address(client):
    lead = MembershipFactory(role="lead").user

    for _ in range(5):
        response = sign_in(client, lead.email, password="not-the-password")
        assert b"The e-mail address or password is not right" in response.content

    response = sign_in(client, lead.email)

    assert response.status_code == 200
    assert not is_signed_in(client)
    html = response.content.decode()
    assert "There have been too many failed attempts to sign in." in html
    assert "wait 5 minutes before you try again" in html
    assert 'class="govuk-error-summary"' in html
    assert not AuditEvent.objects.filter(action="auth.sign_in").exists()


def test_the_limit_message_is_true_for_an_account_that_never_failed(client, settings):
    """The address limit also stops other accounts signing in from the same
    place: the message must not say their own account had the attempts."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/ip"}
    for _ in range(5):
        sign_in(client, MembershipFactory(role="lead").user.email, password="not-the-password")
    untouched = MembershipFactory(role="lead").user
    html = sign_in(client, untouched.email).content.decode()
    assert not is_signed_in(client)
    assert "There have been too many failed attempts to sign in." in html
    assert "this account" not in html


def test_the_limit_for_one_address_does_not_lock_out_another(client, settings):
    # Only the per-address limit here: the per-IP limit would otherwise apply too,
    # as every test request comes from the same address.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/key"}
    target = MembershipFactory(role="lead").user
    colleague = MembershipFactory(role="member").user
    for _ in range(5):
        sign_in(client, target.email, password="not-the-password")

    response = sign_in(client, colleague.email)

    assert location(response) == reverse("core:dashboard")


def test_password_reset_sends_a_link_that_works(client):
    lead = MembershipFactory(role="lead").user

    response = client.post(reverse("account_reset_password"), {"email": lead.email})
    assert location(response) == reverse("account_reset_password_done")
    done = client.get(location(response))
    assert b"Check your e-mail" in done.content

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [lead.email]
    assert message.subject == "[EP Quality Mark] Reset your password"
    link = re.search(r"https?://testserver(/accounts/password/reset/key/\S+)", message.body)
    assert link, message.body

    response = client.get(link.group(1))
    assert response.status_code == 302  # allauth hides the key from the address bar
    form_page = client.get(location(response))
    assert form_page.status_code == 200
    assert b"Choose a new password" in form_page.content

    new_password = "a-brand-new-long-passphrase"
    response = client.post(
        location(response), {"password1": new_password, "password2": new_password}
    )
    assert location(response) == reverse("account_reset_password_from_key_done")

    lead.refresh_from_db()
    assert lead.check_password(new_password)
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=lead).exists()
    client.logout()
    assert location(sign_in(client, lead.email, password=new_password)) == reverse("core:dashboard")


def test_a_used_reset_link_does_not_work_again(client):
    lead = MembershipFactory(role="lead").user
    client.post(reverse("account_reset_password"), {"email": lead.email})
    path = re.search(r"https?://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    response = client.get(path.group(1))
    set_password_url = location(response)
    new_password = "first-new-passphrase"
    client.post(set_password_url, {"password1": new_password, "password2": new_password})

    again = client.get(path.group(1), follow=True)

    assert b"This link does not work" in again.content


def test_reset_for_an_unknown_address_explains_invitations(client):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert len(mail.outbox) == 1
    assert "no account with this address" in mail.outbox[0].body
    assert "by invitation only" in mail.outbox[0].body
    assert "sign up" not in mail.outbox[0].body.lower()


def test_unverified_address_cannot_sign_in_and_is_sent_a_confirmation(client):
    user = UserFactory(verified=False)
    # The factory's verified=False path does not save the password it set.
    user.set_password(PASSWORD)
    user.save()

    response = sign_in(client, user.email)

    assert location(response) == reverse("account_email_verification_sent")
    assert not is_signed_in(client)
    page = client.get(location(response))
    assert b"Confirm your e-mail address" in page.content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject == "[EP Quality Mark] Confirm your e-mail address"

    link = re.search(r"https?://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    confirm = client.get(link.group(1))
    assert b"Confirm e-mail address" in confirm.content
    client.post(link.group(1))
    assert EmailAddress.objects.get(user=user, email=user.email).verified


def test_the_public_cannot_sign_up(client):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert b"You need an invitation" in response.content
    assert b"<form" not in response.content.split(b"<main", 1)[1]

    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not EmailAddress.objects.filter(email="new@example.org").exists()


def test_the_sign_in_page_offers_no_sign_up_link(client):
    html = client.get(reverse("account_login")).content.decode()

    assert "<title>Sign in – " in html
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert reverse("account_signup") not in html
    assert "invitation" in html
    assert reverse("account_reset_password") in html
    assert "placeholder=" not in html


def test_changing_the_password_while_signed_in(client, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    lead = MembershipFactory(role="lead").user
    sign_in(client, lead.email)
    new_password = "another-long-passphrase"

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password(new_password)
    assert is_signed_in(client)
    assert b"Your password has been changed." in client.get(location(response)).content
    notice = mail.outbox[-1]
    assert notice.subject == "[EP Quality Mark] Your password has been changed"
    assert "If you did not make this change" in notice.body
