"""Nothing typed is lost when a session ends mid-edit (an agency's section
or a moderator's review).

A form posted to an application page after the session has expired would be
turned away by the sign-in redirect. This middleware, placed before
LoginRequiredMiddleware, keeps the posted fields in the (new, anonymous)
session and sends the person to sign in; signing in keeps the session's data,
and the page they come back to puts their text back in the form."""

import re

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login

RESCUE_KEY = "rescued_drafts"
# An applicant's section, and a moderator's review (form or reading layout).
RESCUABLE_PATH = re.compile(
    r"^/agency/applications/\d+/sections/[\w-]+/$|^/moderation/applications/\d+/review/$"
)
NOT_KEPT = {"csrfmiddlewaretoken", "evidence"}
# An anonymous session holds the drafts of at most this many pages (the oldest
# goes first), so nobody can fill the session store by posting to these pages.
MAX_DRAFTS = 5


class DraftRescueMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method != "POST"
            or request.user.is_authenticated
            or not RESCUABLE_PATH.match(request.path)
        ):
            return None
        kept = {
            name: request.POST.get(name)
            for name in request.POST
            if name not in NOT_KEPT and name not in {"save", "later", "upload", "action"}
        }
        drafts = request.session.get(RESCUE_KEY, {})
        drafts.pop(request.path, None)
        drafts[request.path] = kept
        while len(drafts) > MAX_DRAFTS:
            drafts.pop(next(iter(drafts)))
        request.session[RESCUE_KEY] = drafts
        because = getattr(
            request,
            "signed_out_because",
            "You were signed out because you had not done anything for a while.",
        )
        messages.warning(request, f"{because} Sign in again and we will put back what you typed.")
        return redirect_to_login(request.path)


def pop_rescued_draft(request) -> dict | None:
    drafts = request.session.get(RESCUE_KEY)
    if not drafts or request.path not in drafts:
        return None
    kept = drafts.pop(request.path)
    request.session[RESCUE_KEY] = drafts
    return kept
