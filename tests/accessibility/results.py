"""What one run of the gate found, less the reviewed exceptions, and the summary
the accessibility statement is rendered from (qualitymark/core/accessibility_results.json)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from qualitymark.core.accessibility import RESULTS_FILE
from tests.accessibility.checks import FAILING_IMPACTS, ROOT

HERE = Path(__file__).resolve().parent
EXCEPTIONS_FILE = HERE / "exceptions.yaml"


def _excused(violation: dict, node: str, exceptions: dict) -> bool:
    return any(
        entry["rule"] == violation["id"] and entry.get("selector", "") in node
        for entry in exceptions.get("axe") or []
    )


@dataclass
class GateRun:
    crawls: dict
    nu: list
    exceptions: dict
    seconds: float
    date: datetime.datetime
    planted: dict

    def pages(self):
        for role, crawl in self.crawls.items():
            for kind, found in crawl.results.items():
                yield role, kind, found

    def axe_failures(self) -> list[str]:
        failures = []
        for role, kind, found in self.pages():
            for violation in found["axe"]:
                if violation["impact"] not in FAILING_IMPACTS:
                    continue
                nodes = [
                    node
                    for node in violation["nodes"]
                    if not _excused(violation, node, self.exceptions)
                ]
                if nodes:
                    failures.append(f"{role} | {kind} | {violation['id']}: {nodes[:3]}")
        return failures

    def axe_excused_count(self) -> int:
        return sum(
            1
            for _, _, found in self.pages()
            for violation in found["axe"]
            for node in violation["nodes"]
            if _excused(violation, node, self.exceptions)
        )

    def axe_lesser_count(self) -> int:
        """Moderate and minor findings: reported, not failing."""
        return sum(
            len(violation["nodes"])
            for _, _, found in self.pages()
            for violation in found["axe"]
            if violation["impact"] not in FAILING_IMPACTS
        )

    def sideways(self) -> list[str]:
        return [
            f"{role} | {kind}: {found['sideways']}"
            for role, kind, found in self.pages()
            if found["sideways"]
        ]

    def overlaps(self) -> list[str]:
        return [
            f"{role} | {kind}: {found['overlaps']}"
            for role, kind, found in self.pages()
            if found["overlaps"]
        ]

    def nu_failures(self) -> list[str]:
        where = {found["file"]: f"{role} | {kind}" for role, kind, found in self.pages()}
        return [
            f"{where.get(error['file'], error['file'])} line {error['line']}: "
            f"{error['message']} [{error['extract']}]"
            for error in self.nu
        ]

    def summary(self) -> dict:
        """What the statement shows (everything but the date must match the committed file)."""
        per_role = {role: len(crawl.results) for role, crawl in self.crawls.items()}
        packages = json.loads((ROOT / "package.json").read_text())["devDependencies"]
        return {
            "tools": {"axe_core": packages["axe-core"], "vnu": packages["vnu-jar"]},
            "page_types_per_role": per_role,
            "page_types_checked": sum(per_role.values()),
            "error_states_checked": sum(
                1 for _, kind, _ in self.pages() if "sent empty" in kind or "error page" in kind
            ),
            "axe_serious_or_critical": len(self.axe_failures()),
            "axe_excused_nodes": self.axe_excused_count(),
            "nu_errors": len(self.nu),
            "pages_scrolling_sideways_at_320px": len(self.sideways()),
            "pages_with_overlaps_at_200_percent_text": len(self.overlaps()),
            "exceptions": [
                {"what": entry["what"], "criterion": entry["criterion"], "reason": entry["reason"]}
                for group in ("paths_not_crawled", "axe")
                for entry in self.exceptions.get(group) or []
            ],
        }


def committed_results() -> dict:
    return json.loads(RESULTS_FILE.read_text(encoding="utf-8"))


def write_results(run: GateRun) -> None:
    data = {"date": run.date.date().isoformat(), **run.summary()}
    RESULTS_FILE.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
