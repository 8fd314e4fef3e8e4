"""Browser tests: Playwright (sync API) driving Debian's Chromium, headless,
against pytest-django's live_server (which also serves /static/).

Every test here is marked `browser`: without Chromium they are skipped (failed
in CI) by tests/conftest.py before any fixture below starts a browser.
"""

import os
import re
import shutil

import pytest

from tests.factories import PASSWORD

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

# Fields a person fills in that have no label, as a list of their names.
UNLABELLED_FIELDS = """() => {
    const notFilledIn = ["hidden", "submit", "button", "reset", "image"];
    return Array.from(document.querySelectorAll("input, select, textarea"))
        .filter((field) => !notFilledIn.includes(field.type))
        .filter((field) => !(field.labels && field.labels.length)
            && !field.getAttribute("aria-label")
            && !field.getAttribute("aria-labelledby"))
        .map((field) => field.name || field.id || field.outerHTML);
}"""


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if os.path.exists(path):
        return path
    return shutil.which("chromium") or path


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API runs an asyncio event loop in this thread, and Django
    refuses ORM calls when a loop is running; the calls these tests make (and the
    database flush between them) are still ordinary synchronous calls. Set
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true" only while this package runs,
    so that the rest of the suite keeps Django's check."""
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def browser(_orm_beside_playwright):
    """One Chromium for the browser tests, closed (with Playwright's event loop)
    when they are done."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


class PageProblems:
    """What the browser complained about while a test ran."""

    def __init__(self):
        self.console: list[str] = []
        self.errors: list[str] = []

    @property
    def csp_violations(self) -> list[str]:
        return [text for text in self.console if "Content Security Policy" in text]

    @property
    def script_failures(self) -> list[str]:
        started = [text for text in self.console if text.startswith("Could not start")]
        return started + self.errors


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (own cookies and localStorage) on the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    problems = PageProblems()
    new_page.on("console", lambda message: problems.console.append(message.text))
    new_page.on("pageerror", lambda error: problems.errors.append(str(error)))
    new_page.problems = problems
    yield new_page
    context.close()


@pytest.fixture
def sign_in():
    """sign_in(page, user): sign in through the real sign-in page."""

    def sign_in_through_the_page(page, user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return sign_in_through_the_page


@pytest.fixture
def checks():
    return PageChecks


class PageChecks:
    @staticmethod
    def no_csp_violations(page):
        assert page.problems.csp_violations == [], page.problems.csp_violations

    @staticmethod
    def no_script_failures(page):
        assert page.problems.script_failures == [], page.problems.script_failures

    @staticmethod
    def accessible_basics(page):
        """A smoke check, not an audit: one h1, a label for every field, a working
        skip link, and nothing refused by the Content Security Policy."""
        assert page.locator("h1").count() == 1, page.url
        unlabelled = page.evaluate(UNLABELLED_FIELDS)
        assert unlabelled == [], page.url
        skip_link = page.locator("a.govuk-skip-link")
        skip_link.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement?.id === 'main-content'")
        assert re.search(r"#main-content$", page.url)
        PageChecks.no_csp_violations(page)
