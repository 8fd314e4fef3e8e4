"""The identifier check for text outside the application's sections: the answers to an
information request and the files sent with them, checked before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass

from ..anonymisation import KINDS, Finding
from ..models.evidence import EvidenceFile
from ..sections import ABOUT
from .identifiers import (
    UNREADABLE_DOCUMENT,
    _allowed_contacts,
    _context,
    _is_unreadable,
    _scan_texts,
    file_name_text,
)
from .submissions import SCANNED_FILE_KINDS


@dataclass(frozen=True)
class TextFinding:
    """A likely identifier in one of the texts given (or "could not read" for a file)."""

    label: str  # where it is: "Answer 2", "‘case.docx’"
    anchor: str  # the id of the field or row on the page, for a link
    finding: Finding
    context_before: str = ""
    context_after: str = ""

    @property
    def kind_label(self) -> str:
        if self.finding.kind == UNREADABLE_DOCUMENT:
            return "document we could not read"
        return KINDS.get(self.finding.kind, self.finding.kind)

    @property
    def is_unreadable_document(self) -> bool:
        return self.finding.kind == UNREADABLE_DOCUMENT


def identifiers_in(
    application, *, texts: list[tuple[str, str, str]], files: list[EvidenceFile] = ()
) -> list[TextFinding]:
    """Findings in ``texts`` (label, anchor, text) and in ``files`` (their names and text,
    or that they could not be read), with the agency's own details, staff and portal users
    allowed as in the application's check."""
    about_answer = application.answers.filter(key=ABOUT).first()
    allowed = _allowed_contacts(application, about_answer.data if about_answer else {})
    targets = [(label, anchor, text) for label, anchor, text in texts if text and text.strip()]
    unreadable = []
    for evidence in files:
        label, anchor = f"‘{evidence.original_name}’", f"file-{evidence.pk}"
        targets.append((label, anchor, file_name_text(evidence)))
        if evidence.kind in SCANNED_FILE_KINDS and _is_unreadable(evidence):
            unreadable.append((label, anchor, evidence))
        if evidence.extracted_text:
            targets.append((label, anchor, evidence.extracted_text))
    found = []
    for (label, anchor, text), findings in zip(
        targets, _scan_texts([target[2] for target in targets], allowed), strict=True
    ):
        for finding in findings:
            found.append(TextFinding(label, anchor, finding, *_context(text, finding)))
    for label, anchor, evidence in unreadable:
        finding = Finding(UNREADABLE_DOCUMENT, 0, 0, evidence.original_name[:255])
        found.append(TextFinding(label, anchor, finding))
    return found
