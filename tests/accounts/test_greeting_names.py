"""E-mails greet people by their first name: an outside audit found moderators greeted
"Hello Dr," from "Dr Helen Marsh"."""

import pytest

from qualitymark.users.models import User


@pytest.mark.parametrize(
    ("full_name", "greeting"),
    [
        ("Dr Helen Marsh", "Helen"),
        ("Prof. Ann Oakley", "Ann"),
        ("Mrs Amira Hassan", "Amira"),
        ("Gareth Olu", "Gareth"),
        ("Dr", "Dr"),  # a title alone is all there is to greet
        ("Drew Barnes", "Drew"),
    ],
)
def test_the_greeting_is_the_first_name_after_any_title(full_name, greeting):
    assert User(email="person@example.org", full_name=full_name).get_short_name() == greeting


def test_with_no_name_the_greeting_is_the_address():
    assert User(email="person@example.org", full_name="").get_short_name() == "person@example.org"
