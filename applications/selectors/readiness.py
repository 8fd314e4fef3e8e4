"""Whether an application is ready to submit: every problem, each linked to where to fix it."""

from ..models.evidence import ScanStatus
from ..models.submissions import Application
from ..sections import count_words
from .identifiers import identifier_findings
from .submissions import ApplicationOverview, SectionRow, application_overview

# --- Readiness ----------------------------------------------------------------------------


class Problem(str):
    """One thing that stands between an application and submission: the
    plain-English text, and `target`, where it is put right (a section key,
    "identifiers" or "declaration")."""

    target: str

    def __new__(cls, text: str, target: str = ""):
        problem = super().__new__(cls, text)
        problem.target = target
        return problem


def submission_problems(
    application: Application, overview: ApplicationOverview | None = None
) -> list[str]:
    """What stands between this application and submission, in plain English."""
    overview = overview or application_overview(application)
    problems = [
        Problem(f"Complete the section ‘{row.section.title}’", row.key)
        for row in overview.rows
        if not row.is_completed
    ]
    for row in overview.rows:
        for name, value in row.data.items():
            limit = _word_limit(row, name)
            if limit and count_words(value) > limit:
                problems.append(
                    Problem(f"Shorten ‘{row.section.title}’ to {limit:,} words or fewer", row.key)
                )

    def first_section_with(status) -> str:
        return next(
            (row.key for row in overview.rows for item in row.files if item.scan_status == status),
            "",
        )

    for status, text in (
        (ScanStatus.PENDING, "Wait until every uploaded file has been checked for viruses"),
        (
            ScanStatus.INFECTED,
            "Remove the files that were quarantined because they contain a virus",
        ),
        (ScanStatus.ERROR, "Remove and upload again the files that could not be checked"),
    ):
        if key := first_section_with(status):
            problems.append(Problem(text, key))
    unresolved = [item for item in identifier_findings(application, overview) if not item.confirmed]
    if unresolved:
        problems.append(
            Problem(
                f"Deal with the {len(unresolved)} possible "
                f"identifier{'s' if len(unresolved) != 1 else ''} found in your evidence",
                "identifiers",
            )
        )
    if not application.is_declared:
        problems.append(Problem("Sign the declaration", "declaration"))
    return problems


def _word_limit(row: SectionRow, name: str) -> int | None:
    field_ = row.section.form_class.base_fields.get(name)
    if field_ is None and name == "narrative":
        from django.conf import settings

        return settings.NARRATIVE_WORD_LIMIT
    return getattr(field_, "word_limit", None)
