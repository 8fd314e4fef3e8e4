"""The award state table is the one place for award status facts: one
audited function changes the status, no status literal lives elsewhere, the
rules it names are registered, and badges show a tick only when valid."""

import ast
import re
from datetime import date
from pathlib import Path

import pytest
import rules
from django.core.exceptions import ValidationError
from django.urls import reverse

from moderation.award_states import (
    LIVE_AWARD_STATUSES,
    STATES,
    TRANSITIONS,
    AwardStatus,
    register_states,
)
from moderation.models.awards import Award
from moderation.services.award_transitions import transition_award
from qualitymark.audit.models import AuditEvent

from .factories import make_award

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("moderation", "qualitymark", "applications", "descriptors")
TABLE = ROOT / "moderation/award_states.py"
TRANSITION_SERVICE = ROOT / "moderation/services/award_transitions.py"
VALUES = set(AwardStatus.values)
TICK = "M24 32l6 6 11-12"


def python_modules():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _names_award(tree) -> bool:
    """The module works with awards: it imports the model or the state table."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(
            ("models.awards", "award_states")
        ):
            return True
    return False


def test_nothing_but_the_transition_service_assigns_an_award_status():
    offenders = []
    for path in python_modules():
        if path == TRANSITION_SERVICE:
            continue
        tree = ast.parse(path.read_text())
        works_with_awards = _names_award(tree)
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if (
                        works_with_awards
                        and isinstance(part, ast.Attribute)
                        and part.attr == "status"
                        and "award" in ast.unparse(part.value).lower()
                    ):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                chain = ast.unparse(node.func)
                writes = node.func.attr in {"create", "update", "update_or_create", "bulk_update"}
                sets_status = any(keyword.arg == "status" for keyword in node.keywords)
                if writes and chain.startswith("Award.") and sets_status:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def _status_literals(tree):
    """String constants equal to an award status, other than docstrings, dict
    keys and subscripts (a report's "expired" count is not a status)."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            skip.update(id(key) for key in node.keys if key is not None)
        elif isinstance(node, ast.Subscript):
            skip.add(id(node.slice))
        elif (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and ast.get_docstring(node, clean=False) is not None
        ):
            skip.add(id(node.body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in VALUES and id(node) not in skip:
            yield node


def test_no_award_status_literal_in_python_outside_the_table():
    offenders = []
    for path in python_modules():
        if path == TABLE:
            continue
        tree = ast.parse(path.read_text())
        if not _names_award(tree):
            continue  # other tables' statuses ("withdrawn" applications) are not awards
        offenders += [
            f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
            for node in _status_literals(tree)
        ]
    assert offenders == []


AWARD_TEMPLATES = [
    *(ROOT / "templates/register").glob("*"),
    *(ROOT / "templates/moderation/awards").glob("*"),
    *(ROOT / "templates/emails").glob("award_*"),
    ROOT / "templates/pdf/certificate.html",
]
QUOTED_STATUS = re.compile(r"""["'](""" + "|".join(sorted(VALUES)) + r""")["']""")
AWARD_STATUS_TEST = re.compile(r"(award|status)[\w.]*\s*[!=]=\s*[\"']")


def test_no_award_status_literal_in_templates():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in AWARD_TEMPLATES
        for match in QUOTED_STATUS.finditer(path.read_text())
    ]
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        offenders += [
            f"{path.relative_to(ROOT)}: {match.group(0)}"
            for match in AWARD_STATUS_TEST.finditer(text)
            if "award" in text[max(0, match.start() - 40) : match.end()].lower()
        ]
    assert offenders == []


def test_the_table_covers_every_status_and_names_registered_rules():
    assert set(STATES) == VALUES
    for transition in TRANSITIONS.values():
        assert set(transition.sources) <= VALUES
        assert transition.target is None or transition.target in VALUES
        assert transition.rule is None or rules.perm_exists(transition.rule), transition.rule
    assert set(LIVE_AWARD_STATUSES) == {AwardStatus.CURRENT, AwardStatus.SUSPENDED}
    assert [state.value for state in register_states()] == [
        code for code in AwardStatus.values if code != AwardStatus.PENDING
    ]
    # Only a current award's certificate is valid; only it gets the tick.
    assert [code for code, state in STATES.items() if state.shows_tick] == [AwardStatus.CURRENT]


@pytest.mark.django_db
def test_a_transition_the_table_does_not_allow_is_refused_and_not_recorded(panel):
    award = panel.award()
    with pytest.raises(ValidationError):
        transition_award(award, "reinstate", actor=panel.staff, reason="Not suspended.")
    award.refresh_from_db()
    assert award.status == AwardStatus.CURRENT
    assert not AuditEvent.objects.filter(action="award.reinstated").exists()


@pytest.mark.django_db
def test_the_system_transitions_are_audited_without_an_actor():
    award = make_award(expires_on=date(2026, 5, 1))
    transition_award(award, "expire", actor=None, reason="Reached the end of its validity.")
    award.refresh_from_db()
    assert award.status == AwardStatus.EXPIRED
    event = AuditEvent.objects.get(action="award.expired", target_id=str(award.pk))
    assert event.changes["status"] == ["current", "expired"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [AwardStatus.WITHDRAWN, AwardStatus.SUSPENDED, AwardStatus.EXPIRED, AwardStatus.SUPERSEDED],
)
def test_a_badge_shows_no_tick_unless_the_award_is_current(client, status):
    award = make_award(status=status)
    svg = client.get(reverse("public:badge", args=[award.agency.slug])).content.decode()
    assert TICK not in svg
    assert STATES[status].label in svg


@pytest.mark.django_db
def test_a_current_badge_shows_the_tick_and_an_unknown_agency_none(client):
    award = make_award()
    assert TICK in client.get(reverse("public:badge", args=[award.agency.slug])).content.decode()
    unpublished = make_award(published=False)
    svg = client.get(reverse("public:badge", args=[unpublished.agency.slug])).content.decode()
    assert TICK not in svg and "Not on the register" in svg
    assert not Award.objects.filter(agency=unpublished.agency, is_published=True).exists()
