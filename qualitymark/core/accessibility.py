"""The accessibility statement's facts, from what the accessibility gate last
measured (tests/accessibility writes accessibility_results.json; CI fails when
the committed file no longer matches a run)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

RESULTS_FILE = Path(__file__).resolve().parent / "accessibility_results.json"
ROLES_IN_ORDER = [
    "anonymous",
    "agency member",
    "agency lead",
    "moderator",
    "panel chair",
    "Coram staff",
]


def gate_results() -> dict:
    return json.loads(RESULTS_FILE.read_text(encoding="utf-8"))


def statement_context() -> dict:
    results = gate_results()
    per_role = results["page_types_per_role"]
    failures = sum(
        results[key]
        for key in (
            "axe_serious_or_critical",
            "nu_errors",
            "pages_scrolling_sideways_at_320px",
            "pages_with_overlaps_at_200_percent_text",
        )
    )
    return {
        "results": results,
        "tested_on": datetime.date.fromisoformat(results["date"]),
        "roles": [(role, per_role.get(role, 0)) for role in ROLES_IN_ORDER],
        "failures": failures,
    }
