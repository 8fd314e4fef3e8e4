"""Closing an account: nobody can sign in to it again. Used by the retention
job (accounts unused for the scheduled period) and by erasure."""

from django.apps import apps


def close_account(person) -> None:
    """No sign-in, no password, no second factor, no e-mail address to reset to."""
    person.is_active = False
    person.set_unusable_password()
    person.save(update_fields=["is_active", "password"])
    apps.get_model("mfa", "Authenticator").objects.filter(user=person).delete()
