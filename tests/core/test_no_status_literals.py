"""No application status is spelled out outside the state table.

Python outside applications/lifecycle.py, migrations and tests asks the table
(`application.state.…`, `statuses_that(…)`, `Application.objects.that(…)`) or
names one status as `Status.X`; templates ask the object (`application.state.tag`,
`information_request.is_open`) and test no status against a literal at all."""

import re
from pathlib import Path

import pytest

from applications.lifecycle import Status
from applications.models.submissions import SectionAnswer

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("applications", "moderation", "descriptors", "qualitymark", "bench")
THE_TABLE = "applications/lifecycle.py"

VALUE = "(?:" + "|".join(re.escape(value) for value in Status.values) + ")"
QUOTED = rf"""["']{VALUE}["']"""
# A section's progress on the task list, and the rows that cannot start yet.
SECTION_STATE = (
    "[\"'](?:"
    + "|".join(re.escape(value) for value in [*SectionAnswer.State.values, "cannot_start"])
    + ")[\"']"
)
# Only ever application statuses, wherever they appear as a quoted string.
UNAMBIGUOUS = r"""["'](?:in_review|information_requested)["']"""
# The e-mail about an information request shares the status's name.
NOT_A_STATUS = re.compile(r"""(?:template=|notifier\(|email_preview.*)["']information_requested""")

PYTHON_PATTERNS = [
    # application.status == "panel", "decided" != status
    re.compile(rf"\w*status\w*\s*[!=]=\s*{QUOTED}|{QUOTED}\s*[!=]=\s*[\w.]*status"),
    # filter(status="draft"), exclude(application__status__exact="draft")
    re.compile(rf"\w*status(?:__\w+)?\s*=\s*{QUOTED}"),
    # status in ("submitted", ...), status__in=["panel", ...], across lines
    re.compile(rf"\w*status\w*(?:\s+(?:not\s+)?in\s*|\s*=\s*)[(\[{{][^)\]}}]*{QUOTED}"),
    # changes={"status": ["draft", ...]}
    re.compile(rf"""["']\w*status["']\s*:\s*[(\[{{][^)\]}}]*{QUOTED}"""),
    # EDITABLE_STATUSES = ("in_review", ...)
    re.compile(rf"[A-Z_]*STATUSES\s*=\s*[^\n]*[(\[{{][^)\]}}]*{QUOTED}"),
    re.compile(UNAMBIGUOUS),
]
TEMPLATE_PATTERNS = [
    # any status tested against a literal: {% if email.status == "sent" %}
    re.compile(r"""[\w.]*status\w*\s*(?:[!=]=|in)\s*["']|["']\s*[!=]=\s*[\w.]*status"""),
    # any application status tested: {% if state == "submitted" %}
    re.compile(rf"(?:[!=]=|\bin)\s*{QUOTED}|{QUOTED}\s*(?:[!=]=|\bin)\b"),
    # a section's progress tested: {% if state == "completed" %}
    re.compile(rf"(?:[!=]=|\bin)\s*{SECTION_STATE}|{SECTION_STATE}\s*(?:[!=]=|\bin)\b"),
    # an application's kind tested: {% if application.kind != "new" %}
    re.compile(r"""\.kind\s*(?:[!=]=|in)\s*["']|["']\s*[!=]=\s*[\w.]*\.kind\b"""),
]
# The award state table (another piece of work) replaces these award tests.
AWARD_TEMPLATES = {
    "templates/register/agency.html",
    "templates/register/data.html",
    "templates/register/verify.html",
    "templates/moderation/awards/agency_award.html",
}


def _line_of(text: str, position: int) -> tuple[int, str]:
    number = text.count("\n", 0, position) + 1
    return number, text.splitlines()[number - 1].strip()


def findings_in(text: str, patterns) -> list[tuple[int, str]]:
    found = set()
    for pattern in patterns:
        for match in pattern.finditer(text):
            number, line = _line_of(text, match.start())
            if not NOT_A_STATUS.search(line):
                found.add((number, line))
    return sorted(found)


def python_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "migrations" not in path.parts and name != THE_TABLE:
                yield name, path


def template_files():
    for base in [ROOT / "templates", *(ROOT / package / "templates" for package in PACKAGES)]:
        for path in sorted(base.rglob("*.html")) if base.exists() else []:
            name = path.relative_to(ROOT).as_posix()
            if name not in AWARD_TEMPLATES:
                yield name, path


def _report(found: dict) -> str:
    return "\n".join(
        f"{name}:{number}: {line}" for name, lines in found.items() for number, line in lines
    )


def test_no_python_outside_the_table_spells_out_an_application_status():
    found = {
        name: lines
        for name, path in python_files()
        if (lines := findings_in(path.read_text(), PYTHON_PATTERNS))
    }
    assert not found, "ask the state table instead:\n" + _report(found)


def test_no_template_tests_a_status_against_a_literal():
    found = {
        name: lines
        for name, path in template_files()
        if (lines := findings_in(path.read_text(), TEMPLATE_PATTERNS))
    }
    assert not found, "ask the object (application.state, is_open, ...):\n" + _report(found)


def test_the_scan_reads_every_module_and_template():
    assert sum(1 for _ in python_files()) > 100
    assert sum(1 for _ in template_files()) > 100


@pytest.mark.parametrize(
    "source",
    [
        'if application.status == "in_review":',
        'if "decided" != application.status:',
        'Application.objects.filter(status="panel")',
        'queryset.exclude(application__status="draft")',
        'Application.objects.filter(pk=pk, status__in=("panel", "decided"))',
        'return application.status in ("submitted", "withdrawn")',
        'filter(\n    application__status__in=[\n        "submitted",\n        "panel",\n    ]\n)',
        'QUEUE_STATUSES = ("submitted", "decided")',
        'STATE = "information_requested"',
        'record(changes={"status": ["draft", application.status]})',
    ],
)
def test_the_python_scan_catches_a_status_literal(source):
    assert findings_in(source, PYTHON_PATTERNS)


@pytest.mark.parametrize(
    "source",
    [
        "if application.status == Status.IN_REVIEW:",
        "Application.objects.that('panel_may_decide')",
        'path("panel/", views.panel_list, name="panel")',
        '@notifier("information_requested")',
        'notify(template="information_requested", to=[])',
        'APPLICATION_SORTS = {"submitted": ("submitted_at", "id")}',
        'if status == "overdue":',
    ],
)
def test_the_python_scan_lets_other_strings_be(source):
    assert not findings_in(source, PYTHON_PATTERNS)


@pytest.mark.parametrize(
    "source",
    [
        '{% if application.status == "draft" %}Draft{% endif %}',
        '{% if email.status != "sent" %}',
        '{% if screening.fee_status == "paid" %} paid{% endif %}',
        '{% if state == "submitted" %}',
        '{% if "decided" == application.status %}',
        '{% if state == "completed" %}Completed{% endif %}',
        '{% elif state == "in_progress" %}',
        '{% if application.kind != "new" %}',
        '{% if "renewal" == application.kind %}',
    ],
)
def test_the_template_scan_catches_a_status_test(source):
    assert findings_in(source, TEMPLATE_PATTERNS)


@pytest.mark.parametrize(
    "source",
    [
        '<strong class="govuk-tag {{ application.state.tag }}">{{ application.state.label }}',
        "{% if information_request.is_open %}",
        '<div role="status">',
        '{% if header.aria_sort == "ascending" %}',
        '{% if kind == "checkbox" %}',
        '{% include "task_status.html" with completed=row.is_completed only %}',
        "{% if not application.is_new_application %}",
    ],
)
def test_the_template_scan_lets_other_markup_be(source):
    assert not findings_in(source, TEMPLATE_PATTERNS)


def test_the_scan_fails_when_someone_adds_a_status_literal(tmp_path):
    module = tmp_path / "views.py"
    module.write_text('def ok(application):\n    return application.status == "panel"\n')
    assert findings_in(module.read_text(), PYTHON_PATTERNS) == [
        (2, 'return application.status == "panel"')
    ]
