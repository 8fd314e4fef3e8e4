"""The anonymisation check: possible identifiers in an application's text and files,
and whether a lead has confirmed each."""

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from django.core.cache import cache

from qualitymark.files import text_extraction

from .. import anonymisation
from ..anonymisation import KINDS, Finding, find_identifiers
from ..models.agencies import Membership
from ..models.evidence import EvidenceFile, IdentifierConfirmation, ScanStatus
from ..models.submissions import Application
from ..section_list import Section
from ..sections import ABOUT
from .submissions import (
    NARRATIVE_FIELDS,
    SCANNED_FILE_KINDS,
    ApplicationOverview,
    SectionRow,
    application_overview,
)

logger = logging.getLogger(__name__)

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


# (source, source label, section row, field name, file, text): one text to scan.
ScanTarget = tuple[str, str, SectionRow, str, EvidenceFile | None, str]


def _scan_targets(
    overview: ApplicationOverview,
) -> tuple[list[ScanTarget], list[tuple[str, SectionRow, EvidenceFile]]]:
    """Every narrative answer and uploaded document's name and text to scan,
    and the documents we could read no text from (label, row, file)."""
    targets: list[ScanTarget] = []
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
    return targets, unreadable


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

    targets, unreadable = _scan_targets(overview)
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
