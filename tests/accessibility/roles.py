"""The people the gate signs in as (the demo accounts in README.md) and the
error pages it checks besides what the crawl reaches."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import BadRequest, PermissionDenied
from django.test import RequestFactory

from qualitymark.core import errors
from qualitymark.core.demo import DEMO_AWARDS, DEMO_IN_PROGRESS
from qualitymark.core.demo_people import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.accounts.helpers import totp_code

HOME = ["/", "/dashboard/"]
# role -> the demo accounts that hold it; each account starts from its home.
ROLES = {
    "anonymous": [None],
    "agency member": ["member@wessexshore.org.uk"],
    "agency lead": [
        "lead@wessexshore.org.uk",
        *(email for _, (email, *_), _ in DEMO_IN_PROGRESS),
        *(email for _, _, (email, *_) in DEMO_AWARDS),
    ],
    "moderator": ["moderator@qualitymark.example", "moderator2@qualitymark.example"],
    "panel chair": ["chair@qualitymark.example"],
    "Coram staff": ["staff@coram.example"],
}
SECOND_FACTOR_ROLES = {"moderator", "panel chair", "Coram staff"}


def sign_in(page, email: str, role: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if role in SECOND_FACTOR_ROLES:
        page.get_by_label("Code").fill(totp_code(DEMO_TOTP_SECRET))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: "/accounts/" not in url)


def _request(method: str = "get"):
    request = getattr(RequestFactory(), method)("/", {"reason": "Kept from the form"})
    request.user = AnonymousUser()
    return request


def error_pages() -> dict[str, str]:
    """The branded error pages the crawl cannot provoke on a healthy server,
    rendered by the project's own handlers: status -> HTML."""
    return {
        "400": errors.bad_request(_request(), BadRequest()).content.decode(),
        "403": errors.permission_denied(_request(), PermissionDenied()).content.decode(),
        "500": errors.server_error(_request()).content.decode(),
        "503": errors.database_unavailable(_request("post")).content.decode(),
    }
