"""Reads about applications, scoped to the person asking. Pages built from
these run a fixed number of queries however many sections or files there are."""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from descriptors.models import Descriptor
from qualitymark.users.roles import roles_of

from ..anonymisation import KINDS, Finding, find_identifiers
from ..lifecycle import OPEN_STATUSES
from ..models import (
    Application,
    EvidenceFile,
    IdentifierConfirmation,
    ScanStatus,
    SectionAnswer,
)
from ..sections import ABOUT, Section, count_words, sections_for, summary_items

# Text fields that hold narrative; structured contact fields are not scanned.
NARRATIVE_FIELDS = (
    "service_description",
    "partnership_arrangements",
    "narrative",
    "changes",
    "development_progress",
)
SCANNED_FILE_KINDS = ("pdf", "docx", "txt", "csv")


def applications_visible_to(user) -> QuerySet[Application]:
    """Coram staff see every application; agency members their agencies' own.
    (Assigned moderators are added by the moderation app's selectors.)"""
    roles = roles_of(user)
    if roles.coram_staff:
        return Application.objects.all()
    if not roles.agency_ids:
        return Application.objects.none()
    return Application.objects.filter(agency_id__in=roles.agency_ids, agency__is_active=True)


def own_application(user, pk: int) -> Application:
    """An application of one of the person's agencies, or 404."""
    roles = roles_of(user)
    return get_object_or_404(
        Application.objects.select_related("agency", "framework", "declaration_signed_by"),
        pk=pk,
        agency_id__in=roles.agency_ids,
        agency__is_active=True,
    )


def applications_of_agency(agency) -> QuerySet[Application]:
    return agency.applications.select_related("framework").order_by("-created_at")


def open_application_of(agency) -> Application | None:
    return agency.applications.filter(status__in=OPEN_STATUSES).first()


def earlier_applications_for_prefill(agency) -> QuerySet[Application]:
    return agency.applications.exclude(status="draft").exclude(reference__isnull=True)


def descriptors_for(application) -> list[Descriptor]:
    return list(
        application.framework.descriptors.order_by("number").prefetch_related(Prefetch("markers"))
    )


@dataclass
class SectionRow:
    section: Section
    answer: SectionAnswer | None
    files: list[EvidenceFile] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def state(self) -> str:
        return self.answer.state if self.answer else SectionAnswer.State.NOT_STARTED

    @property
    def state_label(self) -> str:
        return SectionAnswer.State(self.state).label

    @property
    def is_completed(self) -> bool:
        return self.state == SectionAnswer.State.COMPLETED

    @property
    def data(self) -> dict:
        return self.answer.data if self.answer else {}

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    def summary(self, application) -> list[tuple[str, object]]:
        return summary_items(self.section, application, self.data)


@dataclass
class ApplicationOverview:
    application: Application
    rows: list[SectionRow]

    @property
    def groups(self) -> list[tuple[str, list[SectionRow]]]:
        grouped: dict[str, list[SectionRow]] = {}
        for row in self.rows:
            grouped.setdefault(row.section.group, []).append(row)
        return list(grouped.items())

    @property
    def completed_count(self) -> int:
        return sum(row.is_completed for row in self.rows)

    @property
    def all_completed(self) -> bool:
        return all(row.is_completed for row in self.rows)

    def row(self, key: str) -> SectionRow | None:
        return next((row for row in self.rows if row.key == key), None)

    @property
    def files(self) -> list[EvidenceFile]:
        return [evidence for row in self.rows for evidence in row.files]

    @property
    def summaries(self) -> list[tuple[SectionRow, list[tuple[str, object]]]]:
        return [(row, row.summary(self.application)) for row in self.rows]


def application_overview(application: Application) -> ApplicationOverview:
    """Every section with its answer and files, in four queries."""
    descriptors = descriptors_for(application)
    answers = {answer.key: answer for answer in application.answers.all()}
    files_by_section: dict[str, list[EvidenceFile]] = {}
    for evidence in application.evidence_files.current().order_by("uploaded_at", "id"):
        files_by_section.setdefault(evidence.section_key, []).append(evidence)
    rows = [
        SectionRow(section, answers.get(section.key), files_by_section.get(section.key, []))
        for section in sections_for(application, descriptors)
    ]
    return ApplicationOverview(application, rows)


# --- The anonymisation check ----------------------------------------------------------------


@dataclass(frozen=True)
class IdentifierFinding:
    source: str
    source_label: str
    section_key: str
    field_name: str
    finding: Finding
    context: str
    confirmed: bool

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.finding.kind, self.finding.kind)


def _allowed_contacts(application: Application, about: dict) -> dict:
    agency = application.agency
    emails = [agency.public_email, about.get("contact_email"), about.get("head_of_service_email")]
    phones = [agency.public_phone, about.get("contact_phone")]
    domains = [agency.email_domain]
    if agency.website:
        host = re.sub(r"^https?://(www\.)?", "", agency.website).split("/")[0]
        domains.append(host)
    return {
        "allowed_emails": [email for email in emails if email],
        "allowed_domains": [domain for domain in domains if domain],
        "allowed_phones": [phone for phone in phones if phone],
        "allowed_postcodes": [agency.postcode] if agency.postcode else [],
    }


def _context(text: str, finding: Finding, width: int = 60) -> str:
    start = max(finding.start - width, 0)
    end = min(finding.end + width, len(text))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return f"{prefix}{text[start:end]}{suffix}".replace("\n", " ")


def identifier_findings(
    application: Application, overview: ApplicationOverview | None = None
) -> list[IdentifierFinding]:
    """Likely identifiers in the narrative answers and in the text of uploaded
    documents, each marked confirmed when a lead said it is not identifying."""
    overview = overview or application_overview(application)
    about = overview.row(ABOUT).data if overview.row(ABOUT) else {}
    allowed = _allowed_contacts(application, about)
    confirmed = set(
        IdentifierConfirmation.objects.filter(application=application).values_list(
            "source", "kind", "text"
        )
    )
    results = []
    for row in overview.rows:
        for name in NARRATIVE_FIELDS:
            text = row.data.get(name) or ""
            for finding in find_identifiers(text, **allowed):
                results.append(
                    IdentifierFinding(
                        source=row.key,
                        source_label=row.section.title,
                        section_key=row.key,
                        field_name=name,
                        finding=finding,
                        context=_context(text, finding),
                        confirmed=(row.key, finding.kind, finding.text[:255]) in confirmed,
                    )
                )
        for evidence in row.files:
            if evidence.kind not in SCANNED_FILE_KINDS or not evidence.extracted_text:
                continue
            source = f"file:{evidence.pk}"
            for finding in find_identifiers(evidence.extracted_text, **allowed):
                results.append(
                    IdentifierFinding(
                        source=source,
                        source_label=f"{evidence.original_name} ({row.section.title})",
                        section_key=row.key,
                        field_name="",
                        finding=finding,
                        context=_context(evidence.extracted_text, finding),
                        confirmed=(source, finding.kind, finding.text[:255]) in confirmed,
                    )
                )
    return results


# --- Readiness ----------------------------------------------------------------------------


def submission_problems(
    application: Application, overview: ApplicationOverview | None = None
) -> list[str]:
    """What stands between this application and submission, in plain English."""
    overview = overview or application_overview(application)
    problems = [
        f"Complete the section ‘{row.section.title}’"
        for row in overview.rows
        if not row.is_completed
    ]
    for row in overview.rows:
        for name, value in row.data.items():
            limit = _word_limit(row, name)
            if limit and count_words(value) > limit:
                problems.append(f"Shorten ‘{row.section.title}’ to {limit:,} words or fewer")
    files = overview.files
    if any(evidence.scan_status == ScanStatus.PENDING for evidence in files):
        problems.append("Wait until every uploaded file has been checked for viruses")
    if any(evidence.scan_status == ScanStatus.INFECTED for evidence in files):
        problems.append("Remove the files that were quarantined because they contain a virus")
    if any(evidence.scan_status == ScanStatus.ERROR for evidence in files):
        problems.append("Remove and upload again the files that could not be checked")
    unresolved = [item for item in identifier_findings(application, overview) if not item.confirmed]
    if unresolved:
        problems.append(
            f"Deal with the {len(unresolved)} possible "
            f"identifier{'s' if len(unresolved) != 1 else ''} found in your evidence"
        )
    if not application.is_declared:
        problems.append("Sign the declaration")
    return problems


def _word_limit(row: SectionRow, name: str) -> int | None:
    field_ = row.section.form_class.base_fields.get(name)
    if field_ is None and name == "narrative":
        from django.conf import settings

        return settings.NARRATIVE_WORD_LIMIT
    return getattr(field_, "word_limit", None)


def file_counts_by_application(applications) -> dict[int, int]:
    return dict(
        EvidenceFile.objects.current()
        .filter(application__in=applications)
        .values_list("application")
        .annotate(count=Count("id"))
        .values_list("application", "count")
    )


def evidence_for(application: Application, pk: int) -> EvidenceFile:
    return get_object_or_404(
        EvidenceFile.objects.select_related("application"),
        Q(removed_at__isnull=True),
        pk=pk,
        application=application,
    )
