"""A sign-in lasts at most SESSION_COOKIE_AGE from the moment it was made.

Django counts a session's age from its last change, so anything that writes to it
(a success message, a saved draft) would otherwise keep a busy person signed in for
ever, not the "up to 8 hours" the sign-in page and the cookie page promise."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .dates import duration_words

SIGNED_IN_AT = "qualitymark.signed_in_at"


def session_length_words() -> str:
    return duration_words(settings.SESSION_COOKIE_AGE, space=" ")


@receiver(user_logged_in)
def note_when_signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


class SignInTimeLimitMiddleware:
    """Signs out a session whose sign-in is older than the limit, before any view
    runs; a form posted then is left to DraftRescueMiddleware, which says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = request.session
        if SESSION_KEY not in session:
            return None
        signed_in_at = session.get(SIGNED_IN_AT)
        if signed_in_at is None:  # signed in before the limit was kept: count from now
            session[SIGNED_IN_AT] = int(time.time())
        elif time.time() - signed_in_at > settings.SESSION_COOKIE_AGE:
            logout(request)
            request.signed_out_because = (
                f"You were signed out because you had been signed in for {session_length_words()}."
            )
            if request.method != "POST":
                messages.info(request, f"{request.signed_out_because} Sign in again to carry on.")
        return None
