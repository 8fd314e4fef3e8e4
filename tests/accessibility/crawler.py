"""Crawl what a person can reach by following links from their home page, one
page of each type (URL pattern), then send every form on those pages empty to
see its error state. Each page is checked (checks.check_page) and its HTML kept
for the Nu checker."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tests.accessibility.checks import check_page

MAX_PAGES_PER_ROLE = 150
# URL arguments that choose a different page rather than a different record.
PAGE_CHOOSING_ARGUMENTS = {"key", "name", "file_format"}

ERROR_STATE = ".govuk-error-summary, .govuk-error-message"
DOWNLOADS = (".pdf", ".csv", ".json", ".svg", ".xml", ".xlsx", ".ods", ".zip", ".txt")
LINKS = """() => Array.from(document.querySelectorAll("a[href]"), (link) => link.href)"""

# Forms a person fills in (method post, with at least one field to fill): their index.
FILLABLE_FORMS = """() => Array.from(document.forms).map((form, index) => ({index,
    post: (form.getAttribute("method") || "").toLowerCase() === "post",
    fields: Array.from(form.elements).filter((element) =>
        ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName)
        && !["hidden", "submit", "button", "reset", "image"].includes(element.type)).length,
})).filter((form) => form.post && form.fields > 0).map((form) => form.index)"""

# Empty every field of a form and send it with its first submit button.
SEND_EMPTY = """(index) => {
    const form = document.forms[index];
    for (const element of form.elements) {
        if (["checkbox", "radio"].includes(element.type)) element.checked = false;
        else if (element.tagName === "SELECT") element.selectedIndex = -1;
        else if (!["hidden", "submit", "button", "reset", "image"].includes(element.type)
                 && element.type !== "file") element.value = "";
    }
    form.noValidate = true;
    const button = form.querySelector("button:not([type=button]), input[type=submit]");
    form.requestSubmit(button || undefined);
}"""


def page_type(url: str) -> str:
    """The URL's pattern: the route with record ids left as placeholders."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return "page not found"
    route = match.route
    for name, value in match.kwargs.items():
        if name in PAGE_CHOOSING_ARGUMENTS:
            route = re.sub(rf"<(\w+:)?{name}>", str(value), route)
    return f"{match.view_name} /{route}"


@dataclass
class Crawl:
    role: str
    base_url: str
    folder: Path
    excluded_paths: tuple[str, ...]
    results: dict = field(default_factory=dict)  # page type -> what was found
    form_pages: dict = field(default_factory=dict)  # page type -> (browser page, url)
    seen_types: set = field(default_factory=set)

    def within_reach(self, url: str) -> bool:
        parts = urlsplit(url)
        base = urlsplit(self.base_url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return False
        return not parts.path.startswith(self.excluded_paths)

    def record(self, page, kind: str) -> None:
        number = len(self.results) + 1
        html_file = self.folder / f"{self.role.replace(' ', '-')}-{number:03d}.html"
        html_file.write_text(page.content(), encoding="utf-8")
        self.results[kind] = {"url": page.url, "file": html_file.name, **check_page(page)}

    def open_page(self, page, url: str) -> bool:
        """Go to the URL; False when it is a download or not a web page."""
        if urlsplit(url).path.endswith(DOWNLOADS):
            return False
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                return False
            raise
        return response is not None and response.headers.get("content-type", "").startswith(
            "text/html"
        )

    def follow_links(self, page, start_urls: list[str]) -> None:
        """Breadth first from the start pages, which are always read for their
        links (each account has its own records behind the same page types)."""
        queue = [urljoin(self.base_url, url) for url in start_urls]
        starts = set(queue)
        while queue and len(self.seen_types) < MAX_PAGES_PER_ROLE:
            url = queue.pop(0).split("#")[0]
            kind = page_type(url)
            if kind in self.seen_types and url not in starts:
                continue
            starts.discard(url)
            if not self.within_reach(url):
                continue
            self.seen_types.add(kind)
            if not self.open_page(page, url):
                continue
            landed = page_type(page.url)
            self.seen_types.add(landed)
            if landed not in self.results:
                self.record(page, landed)
            if page.evaluate(FILLABLE_FORMS):
                self.form_pages.setdefault(landed, (page, page.url))
            queue.extend(page.evaluate(LINKS))

    def send_forms_empty(self) -> None:
        for kind, (page, url) in list(self.form_pages.items()):
            page.goto(url)
            for index in page.evaluate(FILLABLE_FORMS):
                page.goto(url)
                with page.expect_navigation():
                    page.evaluate(SEND_EMPTY, index)
                if not page.locator(ERROR_STATE).count():
                    continue  # accepted empty: not an error state
                self.record(page, f"{kind} (form {index + 1} sent empty)")
