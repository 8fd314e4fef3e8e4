"""Shared by the test_evidence_* modules: a draft application, uploads through
the real section page, and reading what the page says about them.

Uploads are sent as a hand-built multipart body, so a test can send any file
name at all (Django's test client keeps only the base name, like a browser).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from applications.models.evidence import EvidenceFile
from applications.models.submissions import Application, SectionAnswer
from applications.services.submissions import start_application
from qualitymark.files.storage import open_private_file
from tests.factories import MembershipFactory

SECTION = "q1"
NARRATIVE = (
    "Every baby where adoption is a possible plan is discussed at our monthly tracking meeting."
)


# --- fixtures (import them into a test module to use them) ---------------------------------


@pytest.fixture
def draft(lead, agency) -> Application:
    return start_application(actor=lead, agency=agency, level_sought="full", kind="new")


@pytest.fixture
def member(agency):
    return MembershipFactory(agency=agency, role="member").user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


# --- files -------------------------------------------------------------------------------


def text_pdf(*lines: str) -> bytes:
    """A small, valid one-page PDF whose text pypdf can read back."""
    text_ops = " ".join(
        f"BT /F1 12 Tf 72 {760 - 16 * number} Td ({_pdf_escape(line)}) Tj ET"
        for number, line in enumerate(lines or ("Evidence for quality descriptor 1",))
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text_ops) + text_ops + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_bytes(evidence: EvidenceFile) -> bytes:
    with open_private_file(evidence.storage_key) as handle:
        return handle.read()


# --- the section page --------------------------------------------------------------------


def section_url(application, key: str = SECTION) -> str:
    return reverse("agency:section", args=[application.pk, key])


def download_url(evidence: EvidenceFile, application=None) -> str:
    application_pk = application.pk if application is not None else evidence.application_id
    return reverse("agency:evidence_download", args=[application_pk, evidence.pk])


def remove_url(evidence: EvidenceFile) -> str:
    return reverse("agency:evidence_remove", args=[evidence.application_id, evidence.pk])


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body with exactly these field values and file names."""
    boundary = f"qm-{secrets.token_hex(12)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for field_name, file_name, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def current_version(application, key: str = SECTION) -> int:
    answer = SectionAnswer.objects.filter(application=application, key=key).first()
    return answer.version if answer else 0


def upload_on_page(
    client,
    application,
    file_name: str | None,
    data: bytes = b"",
    *,
    key: str = SECTION,
    narrative: str = NARRATIVE,
):
    """POST the section form as the "Upload file" button does: the narrative and
    the file together. ``file_name=None`` sends no file at all."""
    fields = {
        "version": str(current_version(application, key)),
        "narrative": narrative,
        "upload": "Upload file",
    }
    files = [] if file_name is None else [("evidence", file_name, data)]
    body, content_type = multipart(fields, files)
    return client.post(section_url(application, key), data=body, content_type=content_type)


def saved_narrative(application, key: str = SECTION) -> str | None:
    answer = SectionAnswer.objects.filter(application=application, key=key).first()
    return answer.data.get("narrative") if answer else None


@dataclass
class EvidenceErrors:
    summary: list[tuple[str, str]]  # (href, text) of each error-summary link
    beside_field: list[str]  # the error messages shown with the file field

    @property
    def summary_texts(self) -> list[str]:
        return [text for _, text in self.summary]


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _text(element) -> str:
    return " ".join(element.text_content().split())


def page_errors(response) -> EvidenceErrors:
    tree = lxml_html.fromstring(response.content.decode())
    summary = [
        (link.get("href"), _text(link))
        for link in tree.xpath(f"//*[{_has_class('govuk-error-summary__list')}]//a")
    ]
    beside = [
        _text(message).removeprefix("Error:").strip()
        for message in tree.xpath(
            f"//*[@id='div_id_evidence']//*[{_has_class('govuk-error-message')}]"
        )
    ]
    return EvidenceErrors(summary=summary, beside_field=beside)


def assert_refused(response, application, reason: str, *, narrative: str = NARRATIVE):
    """The upload was refused with ``reason`` in the error summary (linking to the
    file field) and beside the field; nothing was stored; the narrative was saved."""
    assert response.status_code == 200, response.status_code
    errors = page_errors(response)
    assert len(errors.summary) == 1, errors
    href, text = errors.summary[0]
    assert href == "#id_evidence"
    assert reason in text, (reason, text)
    assert len(errors.beside_field) == 1, errors
    assert reason in errors.beside_field[0]
    assert not EvidenceFile.objects.filter(application=application).exists()
    assert saved_narrative(application) == narrative
    # The typed text is shown again, ready to carry on.
    tree = lxml_html.fromstring(response.content.decode())
    assert tree.get_element_by_id("id_narrative").text_content().strip() == narrative
    return text


def evidence_rows(response) -> dict[str, dict]:
    """The section page's list of files: name -> {status, tag, link, remove}."""
    tree = lxml_html.fromstring(response.content.decode())
    rows = {}
    for row in tree.xpath("//*[@data-scan-status]"):
        key = row.xpath(f".//*[{_has_class('govuk-summary-list__key')}]")[0]
        links = key.xpath(".//a")
        tags = row.xpath(f".//*[{_has_class('govuk-tag')}]")
        remove = row.xpath(f".//*[{_has_class('govuk-summary-list__actions')}]//a")
        rows[_text(key)] = {
            "status": row.get("data-scan-status"),
            "tag": _text(tags[0]) if tags else "",
            "value": _text(row.xpath(f".//*[{_has_class('govuk-summary-list__value')}]")[0]),
            "link": links[0].get("href") if links else None,
            "remove": remove[0].get("href") if remove else None,
        }
    return rows
