"""Reads about applications, scoped to the person asking. Pages built from
these run a fixed number of queries however many sections or files there are."""

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from descriptors.models import Descriptor
from qualitymark.files import text_extraction
from qualitymark.users.roles import roles_of

from .. import anonymisation
from ..anonymisation import KINDS, Finding, find_identifiers
from ..lifecycle import OPEN_STATUSES
from ..models import (
    Application,
    EvidenceFile,
    IdentifierConfirmation,
    Membership,
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
SCANNED_FILE_KINDS = text_extraction.TEXT_KINDS | text_extraction.PICTURE_KINDS

logger = logging.getLogger(__name__)


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

# A file we tried to read but found no text in (a scan, a photo saved as PDF): we cannot
# check it, so a person must, and a lead confirms they have.
UNREADABLE_DOCUMENT = "unreadable_document"
_NARRATIVE_LABELS = {
    "narrative": "Your evidence",
    "partnership_arrangements": "How the partnership works together",
}
# Results of find_identifiers are cached by a hash of the text, the agency's allowed contact
# details and the scanner's own source, so a change to any of them means a fresh scan. Only
# kinds and offsets are cached, never the matched text: the cache holds no personal data.
SCAN_CACHE_SECONDS = 60 * 60 * 24 * 7
SCAN_CACHE_PREFIX = "identifier-scan"


def _scanner_version() -> str:
    package = Path(anonymisation.__file__).parent
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted([*package.glob("*.py"), *package.glob("data/*.txt")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


_SCANNER_VERSION = _scanner_version()


@dataclass(frozen=True)
class IdentifierFinding:
    source: str  # what a confirmation is tied to: the section key, or "file:<id>"
    source_label: str
    section_key: str
    field_name: str
    finding: Finding
    confirmation: IdentifierConfirmation | None = None
    field_label: str = ""
    file: EvidenceFile | None = None
    # The text the finding is in; its context is only worked out when a page shows it.
    scanned_text: str = field(default="", repr=False, compare=False)

    @property
    def confirmed(self) -> bool:
        return self.confirmation is not None

    @cached_property
    def _context_parts(self) -> tuple[str, str]:
        if not self.scanned_text:
            return "", ""
        return _context(self.scanned_text, self.finding)

    @property
    def context_before(self) -> str:
        return self._context_parts[0]

    @property
    def context_after(self) -> str:
        return self._context_parts[1]

    @property
    def context(self) -> str:
        return f"{self.context_before}{self.finding.text}{self.context_after}"

    @property
    def is_unreadable_document(self) -> bool:
        return self.finding.kind == UNREADABLE_DOCUMENT

    @property
    def kind_label(self) -> str:
        if self.is_unreadable_document:
            return "document we could not read"
        return KINDS.get(self.finding.kind, self.finding.kind)


def _allowed_contacts(application: Application, about: dict) -> dict:
    """The agency's own published contact details (and, for a partnership, those of
    its member agencies), its staff contacts and portal users, which are never reported."""
    agency = application.agency
    agencies = [agency, *(agency.partnership_members.all() if agency.is_partnership else [])]
    emails = [about.get("contact_email"), about.get("head_of_service_email")]
    phones = [about.get("contact_phone")]
    names = [about.get("contact_name"), about.get("head_of_service_name")]
    names += Membership.objects.filter(agency__in=agencies, is_active=True).values_list(
        "user__full_name", flat=True
    )
    domains, postcodes = [], []
    for each in agencies:
        emails.append(each.public_email)
        phones.append(each.public_phone)
        domains.append(each.email_domain)
        postcodes.append(each.postcode)
        if each.website:
            url = each.website if "//" in each.website else f"//{each.website}"
            domains.append(re.sub(r"^www\.", "", urlsplit(url).hostname or ""))

    def clean(values) -> list[str]:
        return sorted(
            {value.strip() for value in values if isinstance(value, str) and value.strip()}
        )

    return {
        "allowed_emails": clean(emails),
        "allowed_domains": clean(domains),
        "allowed_phones": clean(phones),
        "allowed_postcodes": clean(postcodes),
        "allowed_names": clean(names),
    }


def _one_line(text: str) -> str:
    """Line breaks (paragraphs, table cells) become " · ", other runs of space one space."""
    return re.sub(r"\s+", " ", re.sub(r"[ \t]*(?:\r?\n\s*)+", " · ", text))


def _context(text: str, finding: Finding, width: int = 60) -> tuple[str, str]:
    """Up to ``width`` characters either side of the finding, cut at whole words, on one line."""
    start = max(finding.start - width, 0)
    end = min(finding.end + width, len(text))
    before = text[start : finding.start]
    after = text[finding.end : end]
    if start > 0:
        before = "…" + re.sub(r"^\S*\s+", "", before, count=1)
    if end < len(text):
        after = re.sub(r"\s+\S*$", "", after, count=1) + "…"
    return _one_line(before), _one_line(after)


def _scan_cache_key(text: str, allowed_fingerprint: bytes) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(_SCANNER_VERSION.encode())
    digest.update(allowed_fingerprint)
    digest.update(text.encode("utf-8", "surrogatepass"))
    return f"{SCAN_CACHE_PREFIX}:{digest.hexdigest()}"


def _scan_texts(texts: list[str], allowed: dict) -> list[list[Finding]]:
    """find_identifiers for each text, using the cache for texts scanned before."""
    fingerprint = json.dumps(allowed, sort_keys=True).encode()
    keys = [_scan_cache_key(text, fingerprint) for text in texts]
    try:
        cached = cache.get_many(list(set(keys)))
    except Exception:  # noqa: BLE001 - a cache outage must not stop the check
        logger.warning("Identifier scan cache unavailable; scanning without it", exc_info=True)
        cached = {}
    results: list[list[Finding]] = []
    fresh: dict[str, list[tuple[str, int, int]]] = {}
    for key, text in zip(keys, texts, strict=True):
        spans = cached.get(key, fresh.get(key))
        if spans is None:
            findings = find_identifiers(text, **allowed)
            fresh[key] = [(item.kind, item.start, item.end) for item in findings]
        else:
            findings = [Finding(kind, start, end, text[start:end]) for kind, start, end in spans]
        results.append(findings)
    if fresh:
        try:
            cache.set_many(fresh, SCAN_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("Could not store identifier scan results", exc_info=True)
    return results


def _field_label(section: Section, name: str) -> str:
    field_ = section.form_class.base_fields.get(name)
    return field_.label if field_ is not None else _NARRATIVE_LABELS.get(name, name)


def file_name_text(evidence: EvidenceFile) -> str:
    """The file's name as words: "Amelia_Jones-case.study.docx" -> "Amelia Jones case study
    docx" (the same length, so findings point into the name as it is written)."""
    return re.sub(r"[_.+]|(?<=[a-z])-(?=[A-Z])", " ", evidence.original_name)


def cached_scan_keys(evidence: EvidenceFile) -> list[str]:
    """The cache keys under which the findings in a file's text and name are kept."""
    application = evidence.application
    about = application.answers.filter(key=ABOUT).first()
    allowed = _allowed_contacts(application, about.data if about else {})
    fingerprint = json.dumps(allowed, sort_keys=True).encode()
    texts = (evidence.extracted_text, file_name_text(evidence))
    return [_scan_cache_key(text, fingerprint) for text in texts if text]


def _is_unreadable(evidence: EvidenceFile) -> bool:
    """Read, but with no text in it, or in one of its pages: a person must look at it."""
    text = evidence.extracted_text
    return (
        evidence.text_extracted
        and evidence.scan_status in (ScanStatus.CLEAN, ScanStatus.NOT_SCANNED)
        and (not text.strip() or text_extraction.PAGE_WITHOUT_TEXT_PATTERN.search(text) is not None)
    )


def identifier_findings(
    application: Application, overview: ApplicationOverview | None = None
) -> list[IdentifierFinding]:
    """Likely identifiers in the narrative answers and in the text of uploaded
    documents, in task-list order, each with its confirmation when a lead said
    it is not identifying. A confirmation covers that text (and kind) in that
    section or file only. A document we could read no text from is listed too:
    someone has to check it by eye."""
    overview = overview or application_overview(application)
    about = overview.row(ABOUT).data if overview.row(ABOUT) else {}
    allowed = _allowed_contacts(application, about)
    confirmations = {
        (item.source, item.kind, item.text): item
        for item in IdentifierConfirmation.objects.filter(application=application).select_related(
            "confirmed_by"
        )
    }

    # (source, source label, section row, field name, file, text) for everything scanned.
    targets: list[tuple[str, str, SectionRow, str, EvidenceFile | None, str]] = []
    unreadable: list[tuple[str, SectionRow, EvidenceFile]] = []
    for row in overview.rows:
        for name in NARRATIVE_FIELDS:
            text = row.data.get(name)
            if isinstance(text, str) and text.strip():
                targets.append((row.key, row.section.title, row, name, None, text))
        for evidence in row.files:
            label = f"‘{evidence.original_name}’, uploaded to {row.section.title}"
            targets.append(
                (f"file:{evidence.pk}", label, row, "", evidence, file_name_text(evidence))
            )
            if evidence.kind not in SCANNED_FILE_KINDS:
                continue
            if _is_unreadable(evidence):
                unreadable.append((label, row, evidence))
            if evidence.extracted_text:
                targets.append(
                    (f"file:{evidence.pk}", label, row, "", evidence, evidence.extracted_text)
                )

    scanned = _scan_texts([target[-1] for target in targets], allowed)
    by_row: dict[str, list[IdentifierFinding]] = {}
    for (source, label, row, name, evidence, text), findings in zip(targets, scanned, strict=True):
        field_label = _field_label(row.section, name) if name else ""
        for finding in findings:
            by_row.setdefault(row.key, []).append(
                IdentifierFinding(
                    source=source,
                    source_label=label,
                    section_key=row.key,
                    field_name=name,
                    finding=finding,
                    confirmation=confirmations.get((source, finding.kind, finding.text[:255])),
                    field_label=field_label,
                    file=evidence,
                    scanned_text=text,
                )
            )
    for label, row, evidence in unreadable:
        source = f"file:{evidence.pk}"
        name_text = evidence.original_name[:255]
        by_row.setdefault(row.key, []).append(
            IdentifierFinding(
                source=source,
                source_label=label,
                section_key=row.key,
                field_name="",
                finding=Finding(UNREADABLE_DOCUMENT, 0, 0, name_text),
                confirmation=confirmations.get((source, UNREADABLE_DOCUMENT, name_text)),
                file=evidence,
            )
        )
    return [item for row in overview.rows for item in by_row.get(row.key, [])]


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
