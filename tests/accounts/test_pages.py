"""The account pages follow the service's layout, GOV.UK patterns and the
Content Security Policy (no inline scripts, styles or event handlers)."""

import re

import pytest
from allauth.account.forms import ResetPasswordForm
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.template.base import Origin
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import MembershipFactory, ModeratorProfileFactory, enrol_totp

from .helpers import (
    location,
    open_activation_page,
    open_sensitive_page,
    secret_from_page,
    sign_in,
    totp_code,
)

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def assert_csp_safe(response, name):
    assert response.status_code == 200, f"{name} answered {response.status_code}"
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), f"{name} has an inline <script>"
    assert not STYLE_ATTRIBUTE.search(html), f"{name} has a style= attribute"
    assert not STYLE_ELEMENT.search(html), f"{name} has a <style> element"
    assert not EVENT_HANDLER.search(html), f"{name} has an inline event handler"
    # Every page is in the service's layout, with one GOV.UK page heading.
    assert 'class="qm-header"' in html, f"{name} is not in the service layout"
    assert 'id="main-content"' in html
    assert len(re.findall(r"<h1 ", html)) == 1, f"{name} should have one <h1>"
    return html


def test_pages_for_people_who_are_not_signed_in(client):
    pages = {
        "sign in": reverse("account_login"),
        "reset password": reverse("account_reset_password"),
        "reset email sent": reverse("account_reset_password_done"),
        "sign up (closed)": reverse("account_signup"),
        "confirmation sent": reverse("account_email_verification_sent"),
        "bad reset link": reverse(
            "account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "set-password"}
        ),
        "bad confirmation link": reverse("account_confirm_email", args=["not-a-key"]),
    }
    for name, url in pages.items():
        assert_csp_safe(client.get(url, follow=True), name)

    bad_sign_in = client.post(reverse("account_login"), {"login": "x", "password": ""})
    html = assert_csp_safe(bad_sign_in, "sign in with errors")
    assert "govuk-error-summary" in html
    assert "Enter an e-mail address in the correct format, like name@example.org" in html


def test_pages_for_people_who_are_signed_in(client):
    lead = MembershipFactory(role="lead").user
    sign_in(client, lead.email)

    pages = {
        "sign out": reverse("account_logout"),
        "e-mail addresses": reverse("account_email"),
        "change password": reverse("account_change_password"),
        "sign-in security": reverse("mfa_index"),
        "confirm it is you": reverse("account_reauthenticate"),
    }
    for name, url in pages.items():
        html = assert_csp_safe(client.get(url), name)
        assert 'aria-label="Your account"' in html or name == "confirm it is you"

    activation = open_activation_page(client)
    html = assert_csp_safe(activation, "set up an authenticator app")
    assert re.search(r'<img class="qm-qr-code" src="data:image/svg\+xml;base64,[^"]+"', html)
    assert 'autocomplete="one-time-code"' in html

    code = totp_code(secret_from_page(html))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    codes = assert_csp_safe(client.get(location(response)), "recovery codes")
    assert len(re.findall(r"<li>\d{8}</li>", codes)) == 10
    assert reverse("mfa_download_recovery_codes") in codes

    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download["Content-Type"].startswith("text/plain")
    assert len(download.content.decode().split()) == 10

    assert_csp_safe(
        open_sensitive_page(client, reverse("mfa_generate_recovery_codes")), "new recovery codes"
    )
    assert_csp_safe(open_sensitive_page(client, reverse("mfa_deactivate_totp")), "turn off app")


def test_the_code_pages_at_sign_in_and_when_confirming_it_is_you(client):
    moderator = ModeratorProfileFactory().user
    secret = enrol_totp(moderator)
    sign_in(client, moderator.email)

    html = assert_csp_safe(client.get(reverse("mfa_authenticate")), "enter code")
    assert 'inputmode="numeric"' in html
    assert "recovery codes" in html

    bad = client.post(reverse("mfa_authenticate"), {"code": ""})
    html = assert_csp_safe(bad, "enter code with errors")
    assert '<a href="#id_code">Enter the code from your authenticator app</a>' in html
    assert "<title>Error: " in html

    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    html = assert_csp_safe(client.get(reverse("mfa_reauthenticate")), "confirm with a code")
    assert "Confirm it is you" in html
    html = assert_csp_safe(client.get(reverse("account_reauthenticate")), "confirm with password")
    assert reverse("mfa_reauthenticate") in html  # offered as another way


def test_password_fields_show_rules_as_a_hint_and_errors_beside_the_field(client):
    lead = MembershipFactory(role="lead").user
    sign_in(client, lead.email)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "short", "password2": "different"},
    )

    html = assert_csp_safe(response, "change password with errors")
    assert 'id="id_password1-hint"' in html
    assert "govuk-password-input" in html
    assert '<a href="#id_oldpassword">' in html
    assert '<a href="#id_password1">' in html
    group = html.split('for="id_oldpassword"', 1)[0].rsplit("<div", 1)[1]
    assert "govuk-form-group--error" in group


def _render_with_elements(form):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    template = Template(
        """{% extends "allauth/layouts/entrance.html" %}{% load allauth %}
        {% block head_title %}Generic page{% endblock %}
        {% block content %}
          {% element h1 %}Generic page{% endelement %}
          {% element p %}Some words.{% endelement %}
          {% element form form=form method="post" action="/somewhere/" %}
            {% slot body %}{% element fields form=form %}{% endelement %}{% endslot %}
            {% slot actions %}
              {% element button type="submit" %}Continue{% endelement %}
              {% element button type="submit" tags="danger,delete" %}Remove{% endelement %}
              {% element button href="/back/" tags="secondary" %}Back{% endelement %}
            {% endslot %}
          {% endelement %}
          {% element panel %}
            {% slot title %}A panel{% endslot %}
            {% slot body %}
              {% element alert %}{% slot message %}Note{% endslot %}{% endelement %}
            {% endslot %}
          {% endelement %}
        {% endblock %}""",
        origin=Origin(name="generic.html", template_name="generic.html"),
    )
    return template.render(RequestContext(request, {"form": form}))


def test_allauth_elements_render_as_govuk_components():
    form = ResetPasswordForm(data={"email": ""})
    form.is_valid()

    html = _render_with_elements(form)

    assert "<title>Error: Generic page – " in html
    assert '<h1 class="govuk-heading-l">Generic page</h1>' in html
    assert '<p class="govuk-body qm-account-measure">Some words.</p>' in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_email">Enter your e-mail address</a>' in html
    assert "govuk-form-group govuk-form-group--error" in html
    assert '<label class="govuk-label" for="id_email">E-mail address</label>' in html
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'aria-describedby="id_email-error"' in html
    assert '<button type="submit" class="govuk-button" data-module="govuk-button">' in html
    assert 'class="govuk-button govuk-button--warning"' in html
    assert (
        '<a href="/back/" role="button" draggable="false" '
        'class="govuk-button govuk-button--secondary"'
    ) in html
    assert '<h2 class="govuk-heading-m">A panel</h2>' in html
    assert '<div class="govuk-inset-text">Note</div>' in html
    assert not INLINE_SCRIPT.search(html)
    assert not STYLE_ATTRIBUTE.search(html)
