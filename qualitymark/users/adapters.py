from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation, never by open sign-up."""

    def is_open_for_signup(self, request):
        return settings.ACCOUNT_SIGNUP_OPEN
