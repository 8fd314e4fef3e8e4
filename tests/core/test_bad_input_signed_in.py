"""Bad input in any form a signed-in person can reach gets a page, never a server error.

Each demo person (every role, and the lead of each agency the demo has at a stage of
its work) walks the demo from their home page, following the links they are shown,
and every form they meet is posted with hostile values: in every field at once, one
field at a time with the rest as the page offered them, and arbitrary text from
Hypothesis. What is missing or too long is said in the form's own words, never Django's
"This field is required." or "Ensure this value has at most...". A year of thirty
digits in a GOV.UK date input was a 500 on four staff forms before this test (the date
library let Python's OverflowError through), and so was a thirty-digit ticked record on
SQLite (`make run`), which cannot look such a number up.
"""

import re
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from qualitymark.core.demo import DEMO_AWARDS, DEMO_IN_PROGRESS
from qualitymark.core.demo_people import DEMO_PEOPLE
from qualitymark.users.models import User

from .test_bad_input import text

pytestmark = pytest.mark.django_db

PEOPLE = [person.email for person in DEMO_PEOPLE]
PEOPLE += [email for _, (email, *_), _ in DEMO_IN_PROGRESS]
PEOPLE += [email for _, _, (email, *_) in DEMO_AWARDS]
HOSTILE = [
    "",
    " ",
    "9" * 30,
    "-1",
    "1e309",
    "NaN",
    "2024-02-30",
    "<script>alert(1)</script>",
    "\u202e\ufeff\U0001f600",
    "a" * 20000,
    "' OR 1=1 --",
]
NOT_FOLLOWED = re.compile(r"/accounts/logout|/static/|\.(pdf|csv|json|xlsx|zip)$|download")
NOT_POSTED = re.compile(r"/accounts/logout/")  # it would end the walk
PAGES_PER_PERSON = 150


class PageParts(HTMLParser):
    """A page's links, and its POST forms with each field's offered values."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form, self._options = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = (attrs.get("action") or "", {})
            self.forms.append(self._form)
        elif self._form and tag in ("input", "textarea", "select", "button") and "name" in attrs:
            self._options = self._form[1].setdefault(attrs["name"], [])
            if attrs.get("value") is not None:
                self._options.append(attrs["value"])
        elif tag == "option" and self._options is not None and attrs.get("value") is not None:
            self._options.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag in ("form", "select"):
            self._options = None


def walk(client) -> dict[tuple, tuple[str, dict]]:
    """Every POST form reachable from the home page: one of each kind (its address
    with the numbers taken out, and its fields)."""
    seen, queue, forms = set(), ["/"], {}
    while queue and len(seen) < PAGES_PER_PERSON:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or NOT_FOLLOWED.search(path):
            continue
        seen.add(path)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parts = PageParts()
        parts.feed(response.content.decode())
        for href in parts.links:
            target = urlsplit(urljoin(url, href))
            if target.scheme in ("", "http") and target.netloc in ("", "testserver"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
        for action, fields in parts.forms:
            action = urljoin(url, action) or url
            if not NOT_POSTED.search(action):
                forms.setdefault((re.sub(r"\d+", "N", action), *sorted(fields)), (action, fields))
    return forms


def offered(fields: dict) -> dict:
    return {name: values[0] if values else "x" for name, values in fields.items()}


@pytest.fixture(params=PEOPLE)
def signed_in(request):
    call_command("seed_demo", stdout=StringIO())
    user = User.objects.get(email=request.param)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    forms = walk(client)
    assert forms, "the walk found no form to post"
    return client, user, forms


# Django's own words, where a GOV.UK form says what to do.
GENERIC_MESSAGES = (
    "This field is required.",
    "Ensure this value has",
    "This password is",
    "Select a valid choice",
)


def post(client, user, action, data):
    client.force_login(user)  # a form may have signed them out of a role or a session
    response = client.post(action, data)
    assert response.status_code < 500, (action, {k: v[:30] for k, v in data.items()})
    page = response.content.decode(errors="replace")
    assert not any(words in page for words in GENERIC_MESSAGES), (action, "generic message")


# No shrinking: each example walks every form, and the failure names the form and values.
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(data=st.data())
def test_every_form_answers_hostile_values(signed_in, data):
    client, user, forms = signed_in
    for action, fields in forms.values():
        for value in HOSTILE:
            post(client, user, action, dict.fromkeys(fields, value))
        for name in fields:
            for value in ("9" * 30, "a" * 20000):
                post(client, user, action, {**offered(fields), name: value})
        arbitrary = {name: data.draw(text, label=name) for name in fields}
        post(client, user, action, {**offered(fields), **arbitrary})
