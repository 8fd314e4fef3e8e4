"""Uploading evidence through the section page ("Upload file"): what is refused
and why, what is kept, and that the typed narrative is saved either way."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from applications.models.evidence import EvidenceFile
from applications.services.evidence import add_evidence_file, remove_evidence_file
from qualitymark.audit.models import AuditEvent
from qualitymark.files.validation import UploadRejected
from tests.files import samples

from . import evidence_support as support
from .evidence_support import (
    NARRATIVE,
    SECTION,
    assert_refused,
    evidence_rows,
    page_errors,
    saved_narrative,
    sha256,
    stored_bytes,
    text_pdf,
    upload_on_page,
)

pytestmark = pytest.mark.django_db

# Fixtures shared with the other evidence tests.
draft = support.draft


def zip_without_office_parts() -> bytes:
    return samples.zip_bytes({"notes.txt": "not a Word document", "images/a.txt": "x"})


def docx_with_macros() -> bytes:
    return samples.ooxml_bytes("word/document.xml", extra={"word/vbaProject.bin": b"\x00macro"})


OLD_WORD_FORMAT = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# --- Refused: each case with its own file -----------------------------------------------------


def test_empty_file_is_refused(lead_client, draft):
    response = upload_on_page(lead_client, draft, "policy.pdf", b"")
    text = assert_refused(response, draft, "The selected file is empty")
    assert text == "policy.pdf: The selected file is empty."


def test_file_over_the_size_limit_is_refused(lead_client, draft, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    data = b"Tracking meeting notes, anonymised.\n" * 40  # 1,480 bytes
    response = upload_on_page(lead_client, draft, "notes.txt", data)
    text = assert_refused(response, draft, "The file must be 1 KB or smaller")
    assert text.startswith("notes.txt: ")


def test_file_exactly_at_the_size_limit_is_accepted(lead_client, draft, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    response = upload_on_page(lead_client, draft, "notes.txt", b"a" * 1024)
    assert response.status_code == 302
    assert EvidenceFile.objects.get().size == 1024


@pytest.mark.parametrize(
    ("name", "make_data", "reason"),
    [
        pytest.param(
            "tracking-report.pdf",
            lambda: samples.image_bytes("PNG"),
            "The file ends in .pdf but it is a PNG image, not a PDF document.",
            id="png-renamed-pdf",
        ),
        pytest.param(
            "photo.png",
            text_pdf,
            "The file ends in .png but it is a PDF document, not a PNG image.",
            id="pdf-renamed-png",
        ),
        pytest.param(
            "policy.docx",
            lambda: samples.WINDOWS_PE,
            "The file looks like a program, and programs cannot be uploaded.",
            id="exe-renamed-docx",
        ),
        pytest.param(
            "policy.docx",
            lambda: samples.ELF,
            "The file looks like a program, and programs cannot be uploaded.",
            id="elf-renamed-docx",
        ),
        pytest.param(
            "policy.docx",
            zip_without_office_parts,
            "The file ends in .docx but it is a zip archive, not a Word document.",
            id="zip-renamed-docx",
        ),
        pytest.param(
            "policy.docx",
            samples.xlsx_bytes,
            "The file ends in .docx but it is an Excel spreadsheet, not a Word document.",
            id="xlsx-renamed-docx",
        ),
        pytest.param(
            "policy.docx",
            lambda: OLD_WORD_FORMAT,
            "password-protected or saved in an older Microsoft Office format",
            id="old-word-renamed-docx",
        ),
        pytest.param(
            "policy.docx",
            docx_with_macros,
            "The file contains macros or ActiveX controls, which cannot be uploaded.",
            id="docx-with-macros",
        ),
        pytest.param(
            "figures.csv",
            lambda: b"quarter,placed\nQ1,\x00\x01\x02\n",
            "The file ends in .csv but it contains binary data",
            id="binary-renamed-csv",
        ),
        pytest.param(
            "notes.txt",
            lambda: "Notes in UTF-16".encode("utf-16"),
            "The .txt file is saved as UTF-16 text.",
            id="utf16-txt",
        ),
        pytest.param(
            "scan.jpg",
            lambda: b"not really a JPEG at all",
            "The file ends in .jpg but it is not a JPEG image.",
            id="text-renamed-jpg",
        ),
    ],
)
def test_disguised_file_is_refused(lead_client, draft, name, make_data, reason):
    response = upload_on_page(lead_client, draft, name, make_data())
    text = assert_refused(response, draft, reason)
    assert text.startswith(f"{name}: ")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param(
            "setup.exe", samples.WINDOWS_PE, "Files ending .exe cannot be uploaded.", id="exe"
        ),
        pytest.param(
            "page.html",
            b"<!doctype html><script>alert(document.cookie)</script>",
            "Files ending .html cannot be uploaded.",
            id="html",
        ),
        pytest.param("evidence.zip", b"", "Files ending .zip cannot be uploaded.", id="zip"),
        pytest.param(
            "image.svg",
            b"<svg onload=alert(1)/>",
            "Files ending .svg cannot be uploaded.",
            id="svg",
        ),
        pytest.param(
            "policy.doc", OLD_WORD_FORMAT, "Files ending .doc cannot be uploaded.", id="old-word"
        ),
    ],
)
def test_disallowed_type_is_refused(lead_client, draft, name, data, reason):
    if name.endswith(".zip"):
        data = zip_without_office_parts()
    response = upload_on_page(lead_client, draft, name, data)
    text = assert_refused(response, draft, reason)
    assert ".pdf" in text and ".docx" in text  # says what is allowed


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        pytest.param("report.pdf.exe", "more than one file type", id="double-extension"),
        pytest.param("invoice.exe.pdf", "more than one file type", id="hidden-exe"),
        pytest.param("report", "must end with a file type, for example .pdf", id="no-extension"),
        pytest.param("report.", "must end with a file type, for example .pdf", id="trailing-dot"),
        pytest.param(".pdf", "must have some words before .pdf", id="only-an-extension"),
        pytest.param("x" * 160 + ".pdf", "150 characters or fewer", id="too-long"),
        # A right-to-left override makes "annual‮fdp.exe" look like "annualexe.pdf".
        # Django drops the invisible character; what is left ends in .exe.
        pytest.param("annual\u202efdp.exe", "Files ending .exe cannot be uploaded", id="rtlo"),
    ],
)
def test_oddly_named_file_is_refused(lead_client, draft, name, reason):
    response = upload_on_page(lead_client, draft, name, text_pdf())
    assert_refused(response, draft, reason)


@pytest.mark.parametrize(
    ("sent_name", "kept_name"),
    [
        pytest.param("../../etc/passwd.pdf", "passwd.pdf", id="unix-path"),
        pytest.param("..\\..\\Windows\\System32\\policy.pdf", "policy.pdf", id="windows-path"),
        pytest.param("C:\\Users\\jo\\Desktop\\policy.pdf", "policy.pdf", id="windows-drive"),
        pytest.param("/absolute/policy.pdf", "policy.pdf", id="absolute"),
        pytest.param("policy\x07\x1b[31m.pdf", "policy[31m.pdf", id="control-characters"),
        pytest.param("policy\u200f.pdf", "policy.pdf", id="invisible-format-character"),
    ],
)
def test_path_and_control_characters_never_reach_storage(lead_client, draft, sent_name, kept_name):
    """Django's upload parser keeps only the last part of a path and drops
    unprintable characters before our checks see the name; what is left is kept
    only as the display name, and the stored key is random."""
    response = upload_on_page(lead_client, draft, sent_name, text_pdf())
    assert response.status_code == 302, page_errors(response)
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == kept_name
    assert evidence.storage_key.startswith(f"evidence/{draft.pk}/")
    assert ".." not in evidence.storage_key and "passwd" not in evidence.storage_key
    assert "policy" not in evidence.storage_key


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/passwd.pdf", "must not contain / or \\"),
        ("..\\..\\evil.pdf", "must not contain / or \\"),
        ("policy\x07.pdf", "hidden control characters"),
        ("annual\u202efdp.pdf", "hidden control characters"),
        ("report.pdf\n.exe", "hidden control characters"),
    ],
)
def test_the_service_itself_refuses_paths_and_control_characters(lead, draft, name, reason):
    """Whoever calls the service (a command, an API later) gets the same refusals."""
    uploaded = SimpleUploadedFile("placeholder.pdf", text_pdf())
    uploaded._name = name  # UploadedFile.name= would strip the path
    with pytest.raises(UploadRejected, match=reason.replace("\\", "\\\\")):
        add_evidence_file(
            actor=lead, application=draft, section_key=SECTION, uploaded_file=uploaded
        )
    assert not EvidenceFile.objects.exists()


def test_a_name_only_of_dots_is_treated_as_no_file(lead_client, draft):
    response = upload_on_page(lead_client, draft, "..", text_pdf())
    errors = page_errors(response)
    assert errors.summary == [("#id_evidence", "Select a file to upload")]
    assert saved_narrative(draft) == NARRATIVE


def test_pressing_upload_without_a_file_asks_for_one_and_saves_the_narrative(lead_client, draft):
    response = upload_on_page(lead_client, draft, None)
    errors = page_errors(response)
    assert errors.summary == [("#id_evidence", "Select a file to upload")]
    assert errors.beside_field == ["Select a file to upload"]
    assert saved_narrative(draft) == NARRATIVE


def test_markup_in_a_file_name_is_shown_as_text(lead_client, draft):
    name = "<img src=x onerror=alert(1)>.pdf"
    upload_on_page(lead_client, draft, name, text_pdf())
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == name
    page = lead_client.get(reverse("agency:section", args=[draft.pk, SECTION])).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


# --- Limits per application and per section ---------------------------------------------------


def test_upload_that_would_take_the_application_over_its_total_is_refused(
    lead_client, draft, settings
):
    settings.EVIDENCE_MAX_APPLICATION_BYTES = 3000
    first = b"a" * 1200
    assert upload_on_page(lead_client, draft, "one.txt", first).status_code == 302
    assert upload_on_page(lead_client, draft, "two.txt", first, key="q2").status_code == 302

    response = upload_on_page(lead_client, draft, "three.txt", b"b" * 1200, narrative="Changed")
    errors = page_errors(response)
    assert errors.summary == [
        (
            "#id_evidence",
            "three.txt: The files for this application can add up to 2.9 KB at most, and you "
            "have 600 bytes left. Remove a file, or make this one smaller.",
        )
    ]
    assert errors.beside_field == [errors.summary_texts[0]]
    assert saved_narrative(draft) == "Changed"
    assert EvidenceFile.objects.count() == 2

    # A file that fits is still accepted.
    assert upload_on_page(lead_client, draft, "four.txt", b"c" * 600).status_code == 302


def test_removed_files_do_not_count_towards_the_limits(lead, lead_client, draft, settings):
    settings.EVIDENCE_MAX_APPLICATION_BYTES = 2000
    settings.EVIDENCE_MAX_FILES_PER_SECTION = 1
    upload_on_page(lead_client, draft, "one.txt", b"a" * 1500)
    remove_evidence_file(actor=lead, evidence=EvidenceFile.objects.get())
    response = upload_on_page(lead_client, draft, "two.txt", b"b" * 1500)
    assert response.status_code == 302
    assert EvidenceFile.objects.current().get().original_name == "two.txt"


def test_upload_over_the_number_of_files_for_a_section_is_refused(lead_client, draft, settings):
    settings.EVIDENCE_MAX_FILES_PER_SECTION = 2
    for name in ("one.txt", "two.txt"):
        assert upload_on_page(lead_client, draft, name, b"notes").status_code == 302

    response = upload_on_page(lead_client, draft, "three.txt", b"notes", narrative="More typing")
    errors = page_errors(response)
    assert errors.summary == [
        (
            "#id_evidence",
            "three.txt: You can upload up to 2 files for each section. "
            "Remove one before adding another.",
        )
    ]
    assert errors.beside_field == [errors.summary_texts[0]]
    assert saved_narrative(draft) == "More typing"
    assert EvidenceFile.objects.filter(section_key=SECTION).count() == 2

    # Another section has its own allowance.
    assert upload_on_page(lead_client, draft, "three.txt", b"notes", key="q2").status_code == 302


# --- Accepted -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "content_type"),
    [
        ("policy.pdf", "pdf", "application/pdf"),
        (
            "policy.docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "figures.xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "training.pptx",
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("policy.odt", "odt", "application/vnd.oasis.opendocument.text"),
        ("figures.ods", "ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("diagram.png", "png", "image/png"),
        ("photo.jpg", "jpeg", "image/jpeg"),
        ("photo.JPEG", "jpeg", "image/jpeg"),
        ("notes.txt", "txt", "text/plain"),
        ("figures.csv", "csv", "text/csv"),
    ],
)
def test_allowed_file_is_stored_under_a_random_key_with_its_hash(
    lead, lead_client, draft, name, kind, content_type
):
    data = text_pdf() if kind == "pdf" else samples.SAMPLES[name.rsplit(".", 1)[1].lower()]()
    response = upload_on_page(lead_client, draft, name, data)

    assert response.status_code == 302
    assert response["Location"].endswith(f"/sections/{SECTION}/#evidence")
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == name
    assert (evidence.kind, evidence.content_type) == (kind, content_type)
    assert evidence.size == len(data)
    assert evidence.sha256 == sha256(data)
    assert evidence.uploaded_by == lead
    assert evidence.section_key == SECTION
    assert evidence.scan_status == "pending"  # the check runs after the commit
    assert evidence.storage_key.startswith(f"evidence/{draft.pk}/")
    random_part = evidence.storage_key.rsplit("/", 1)[1]
    assert len(random_part) >= 32
    assert name.rsplit(".", 1)[0].lower() not in evidence.storage_key.lower()
    assert "." not in random_part
    assert stored_bytes(evidence) == data

    event = AuditEvent.objects.get(action="evidence.uploaded")
    assert event.actor == lead
    assert event.target_id == str(draft.pk)
    assert event.changes == {
        "file": evidence.pk,
        "section": SECTION,
        "kind": kind,
        "size": len(data),
        "sha256": sha256(data),
    }
    assert saved_narrative(draft) == NARRATIVE


def test_the_same_name_twice_gets_two_keys(lead_client, draft):
    upload_on_page(lead_client, draft, "policy.pdf", text_pdf("First"))
    upload_on_page(lead_client, draft, "policy.pdf", text_pdf("Second"))
    first, second = EvidenceFile.objects.order_by("pk")
    assert first.storage_key != second.storage_key
    assert stored_bytes(first) != stored_bytes(second)


def test_after_upload_the_page_says_so_and_lists_the_file_as_checking(lead_client, draft):
    response = upload_on_page(lead_client, draft, "policy.pdf", text_pdf())
    page = lead_client.get(response["Location"])
    assert (
        "Uploaded policy.pdf. It is being checked for viruses. Your answer was saved too."
        in page.content.decode()
    )
    rows = evidence_rows(page)
    assert rows["policy.pdf"]["status"] == "pending"
    assert rows["policy.pdf"]["tag"] == "Checking"
    assert rows["policy.pdf"]["link"] is None  # not downloadable yet
    assert rows["policy.pdf"]["remove"]


def test_files_can_only_be_added_to_descriptor_sections(lead, draft):
    from django.core.exceptions import PermissionDenied

    for key in ("about", "fee", "q99", "../q1"):
        with pytest.raises(PermissionDenied):
            add_evidence_file(
                actor=lead,
                application=draft,
                section_key=key,
                uploaded_file=SimpleUploadedFile("policy.pdf", text_pdf()),
            )
    assert not EvidenceFile.objects.exists()


def test_a_file_that_cannot_be_recorded_is_deleted_from_storage(lead, draft, monkeypatch):
    from applications.services import evidence as evidence_services

    stored_keys = []
    real_store = evidence_services.storage.store_private_file

    def store(*args, **kwargs):
        stored = real_store(*args, **kwargs)
        stored_keys.append(stored.key)
        return stored

    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(evidence_services.storage, "store_private_file", store)
    monkeypatch.setattr(evidence_services.EvidenceFile.objects, "create", fail)
    with pytest.raises(RuntimeError):
        add_evidence_file(
            actor=lead,
            application=draft,
            section_key=SECTION,
            uploaded_file=SimpleUploadedFile("policy.pdf", text_pdf()),
        )
    assert len(stored_keys) == 1
    assert not evidence_services.storage.private_storage().exists(stored_keys[0])


# --- Large files are streamed, never read whole --------------------------------------------------


class ReadLog:
    """Wraps an upload's file object and records the size asked of each read()."""

    def __init__(self, wrapped):
        self._wrapped = wrapped
        self.requested: list[int | None] = []

    def read(self, size=-1):
        self.requested.append(size)
        return self._wrapped.read(size)

    def __getattr__(self, name):
        return getattr(self._wrapped, name)

    def __iter__(self):
        raise AssertionError("the upload was iterated line by line")


def test_a_large_upload_is_stored_in_chunks_and_its_hash_matches(
    lead_client, draft, settings, monkeypatch
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # anything bigger goes to a temporary file
    line = b"Quarter 3 tracking: 12 unborn babies considered, 4 early permanence placements.\n"
    data = line * (5 * 1024 * 1024 // len(line) + 1)
    assert len(data) > 5 * 1024 * 1024

    from applications.services import evidence as evidence_services

    seen = {}
    real_validate = evidence_services.validate_upload

    def spy(uploaded_file, **kwargs):
        seen["type"] = type(uploaded_file)
        seen["log"] = uploaded_file.file = ReadLog(uploaded_file.file)
        return real_validate(uploaded_file, **kwargs)

    monkeypatch.setattr(evidence_services, "validate_upload", spy)
    response = upload_on_page(lead_client, draft, "tracking.txt", data)

    assert response.status_code == 302, page_errors(response)
    assert issubclass(seen["type"], TemporaryUploadedFile)
    requested = seen["log"].requested
    assert requested, "the upload was never read"
    assert all(size is not None and 0 < size <= 64 * 1024 for size in requested), set(requested)
    evidence = EvidenceFile.objects.get()
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert sha256(stored_bytes(evidence)) == evidence.sha256
