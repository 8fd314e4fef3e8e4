"""The accessibility gate's run: the demo data, every role's crawl and error
states, then the Nu checker once over all the HTML. The tests in this package
each assert one part of what it found."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.test.utils import override_settings

from tests.accessibility.checks import AXE_SCRIPT, DESKTOP, check_page, nu_errors
from tests.accessibility.crawler import Crawl
from tests.accessibility.results import EXCEPTIONS_FILE, GateRun
from tests.accessibility.roles import HOME, ROLES, error_pages, sign_in
from tests.browser.conftest import TIMEOUT_MS, _orm_beside_playwright, browser  # noqa: F401

MISSING_PAGE = "/no-such-page-here/"
# A page with one fault of each kind the gate looks for: it must find them all.
PLANTED_FAULTS = """<!DOCTYPE html><html lang="en"><head><title>Planted faults</title></head>
<body><main><h1>Planted faults</h1><img src="/static/images/favicon.svg">
<p id="twice">One</p><p id="twice">Two</p>
<div style="width: 900px">Too wide for 320 pixels</div>
<a href="/" style="position: absolute; top: 200px; left: 10px">First</a>
<a href="/" style="position: absolute; top: 200px; left: 12px">Second</a></main></body></html>"""


def reviewed_exceptions() -> dict:
    return yaml.safe_load(EXCEPTIONS_FILE.read_text(encoding="utf-8"))


def _draft_for_the_lead() -> None:
    """The demo has no draft; the lead starts one, so the application's own
    pages (task list, sections, declaration) are within reach."""
    from applications.models.agencies import Agency
    from applications.services.submissions import start_application
    from qualitymark.users.models import User

    lead = User.objects.get(email="lead@wessexshore.org.uk")
    agency = Agency.objects.get(name="Wessex Shore Adoption")
    start_application(actor=lead, agency=agency, level_sought="full", kind="new")


def _crawl_role(
    browser,  # noqa: F811
    live_server,
    folder,
    role,
    accounts,
    excluded,
) -> Crawl:
    crawl = Crawl(role, live_server.url, folder, excluded)
    pages = []
    for email in accounts:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(path=str(AXE_SCRIPT))
        page = context.new_page()
        if email:
            sign_in(page, email, role)
        crawl.follow_links(page, HOME)
        pages.append(page)
    page = pages[0]
    page.goto(MISSING_PAGE)
    crawl.record(page, "error page 404")
    return crawl, pages


def _check_planted_faults(folder, page, base_url) -> dict:
    url = f"{base_url}/gate-planted-faults/"
    page.route(
        url, lambda route, _request: route.fulfill(body=PLANTED_FAULTS, content_type="text/html")
    )
    page.goto(url)
    (folder / "planted-faults.html").write_text(PLANTED_FAULTS, encoding="utf-8")
    return check_page(page)


def _check_error_pages(crawl: Crawl, page) -> None:
    for status, html in error_pages().items():
        url = f"{crawl.base_url}/gate-error-page-{status}/"
        page.route(
            url,
            lambda route, _request, body=html: route.fulfill(body=body, content_type="text/html"),
        )
        page.goto(url)
        crawl.record(page, f"error page {status}")


def _run(
    browser,  # noqa: F811
    live_server,
    folder,
    excluded,
) -> dict[str, Crawl]:
    call_command("seed_demo", stdout=StringIO())
    _draft_for_the_lead()
    crawls, all_pages = {}, []
    try:
        for role, accounts in ROLES.items():
            crawls[role], pages = _crawl_role(
                browser, live_server, folder, role, accounts, excluded
            )
            all_pages.extend(pages)
        _check_error_pages(crawls["anonymous"], all_pages[0])
        for crawl in crawls.values():
            crawl.send_forms_empty()
        planted = _check_planted_faults(folder, all_pages[0], live_server.url)
    finally:
        for page in all_pages:
            page.context.close()
    return crawls, planted


@pytest.fixture(scope="package")
def gate(browser, live_server, django_db_setup, django_db_blocker, tmp_path_factory):  # noqa: F811
    from qualitymark.celery import app

    folder = tmp_path_factory.mktemp("gate-html")
    exceptions = reviewed_exceptions()
    excluded = tuple(entry["path"] for entry in exceptions["paths_not_crawled"])
    started = datetime.datetime.now(datetime.UTC)
    app.conf.task_always_eager = True
    with (
        django_db_blocker.unblock(),
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        try:
            crawls, planted = _run(browser, live_server, folder, excluded)
        finally:
            call_command("flush", interactive=False, verbosity=0)
    nu = nu_errors(folder)
    planted["nu"] = [error for error in nu if error["file"] == "planted-faults.html"]
    nu = [error for error in nu if error["file"] != "planted-faults.html"]
    seconds = (datetime.datetime.now(datetime.UTC) - started).total_seconds()
    yield GateRun(
        crawls=crawls,
        nu=nu,
        exceptions=exceptions,
        seconds=seconds,
        date=started,
        planted=planted,
    )
