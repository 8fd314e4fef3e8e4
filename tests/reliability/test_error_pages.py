"""Error pages in the service's layout, with a way back; 503 with Retry-After
when the database is down, and a form posted then comes back with its text."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.views import defaults
from lxml import html as lxml_html

from qualitymark.core.errors import server_error
from tests.runtime.support import clean_env, run_django

CLOSED_PORT_POSTGRES = "postgres://postgres@127.0.0.1:1/nothing"


def assert_branded(content: bytes, heading: str) -> None:
    tree = lxml_html.fromstring(content)
    assert tree.xpath("//header[contains(@class, 'qm-header')]")
    assert tree.xpath("//footer[contains(@class, 'govuk-footer')]")
    (main,) = tree.xpath("//main")
    assert " ".join(main.xpath("string(.//h1)").split()) == heading
    assert main.xpath(".//a[@href='/']"), "no way back to the home page"
    assert heading in tree.findtext(".//title")


@pytest.mark.django_db
def test_page_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_branded(response.content, "Page not found")


@pytest.mark.django_db
def test_bad_request():
    response = Client().get("/", HTTP_HOST="not allowed.example")
    assert response.status_code == 400
    assert_branded(response.content, "Sorry, there is a problem with the request")


@pytest.mark.django_db
def test_expired_form():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "a@b.c"})
    assert response.status_code == 403
    assert_branded(response.content, "The form you sent has expired")


def test_permission_denied():
    request = RequestFactory().get("/staff/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert_branded(response.content, "You do not have permission to do this")


def test_server_error_never_needs_the_database():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert_branded(response.content, "Sorry, there is a problem with the service")

    try:
        raise OperationalError("could not connect")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert_branded(response.content, "Sorry, the service is unavailable")


DATABASE_DOWN = """
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a" * 32  # a signed-in person: the session is in the database
page = client.get("/register/")
text = "Our early permanence panel meets monthly.\\nWe track every placement."
posted = client.post(
    "/agency/applications/7/sections/q1/",
    {"narrative": text, "version": "3", "completed": "yes", "csrfmiddlewaretoken": "t" * 64,
     "password": "never shown"},
)
result = {
    "page": [page.status_code, page.get("Retry-After"), page.content.decode()],
    "posted": [posted.status_code, posted.get("Retry-After"), posted.content.decode()],
}
"""


def test_with_the_database_down_pages_say_503_and_a_posted_form_keeps_its_text():
    result = run_django(
        DATABASE_DOWN,
        env=clean_env(
            DATABASE_URL=CLOSED_PORT_POSTGRES, DJANGO_DEBUG="false", DATABASE_CONNECT_TIMEOUT="2"
        ),
    )
    status, retry_after, content = result["page"]
    assert (status, retry_after) == (503, "30")
    assert_branded(content.encode(), "Sorry, the service is unavailable")

    status, retry_after, content = result["posted"]
    assert (status, retry_after) == (503, "30")
    tree = lxml_html.fromstring(content)
    (form,) = tree.xpath("//main//form[@method='post']")
    assert form.get("action") == "/agency/applications/7/sections/q1/"
    fields = dict(form.form_values())
    assert fields["narrative"] == (
        "Our early permanence panel meets monthly.\nWe track every placement."
    )
    assert fields["version"] == "3" and fields["completed"] == "yes"
    assert fields["csrfmiddlewaretoken"] == "t" * 64
    assert "password" not in fields and "never shown" not in content
