"""Every password rule answers in the service's words, not Django's (an outside audit found
"This password is too short. It must contain at least 12 characters." on the invitation
page)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from qualitymark.users.models import User

PERSON = User(email="sam.okafor@example.org", full_name="Sam Okafor")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("k7#pQ2", "Your password must be 12 characters or more"),
        ("sam.okafor@example.org", "Your password must not be like your name or e-mail address"),
        ("1234567890qwertyuiop", "Your password is on a list of common passwords"),
        ("739182046573", "Your password must not be only numbers"),
    ],
)
def test_each_rule_has_its_own_words(password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, PERSON)
    messages = refused.value.messages
    assert any(found.startswith(message) for found in messages), messages
    assert not any(found.startswith(("This password", "The password")) for found in messages)


def test_a_good_password_passes():
    validate_password("kettle orbit lantern 42", PERSON)
