"""Hostile uploads through the real section page: zip bombs and other files over
the parsing limits, and active content (PDF JavaScript, launch actions, embedded
files, another format attached, macro and ActiveX parts whatever their name,
markup named .txt or .csv). Each is refused with a plain reason and nothing is
stored; ordinary documents near the limits still go through."""

import time
import tracemalloc

import pytest

from applications.models.evidence import EvidenceFile
from tests.files import hostile, samples

from . import evidence_support as support
from .evidence_support import assert_refused, text_pdf, upload_on_page

pytestmark = pytest.mark.django_db

draft = support.draft


def test_zip_bomb_docx_is_refused_before_it_is_opened(lead_client, draft):
    bomb = hostile.zip_bomb_docx(100 * 1024 * 1024)
    assert len(bomb) < 300 * 1024
    tracemalloc.start()
    started = time.monotonic()
    response = upload_on_page(lead_client, draft, "policy.docx", bomb)
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert_refused(response, draft, "Part of the file expands more than 100 times when opened")
    assert elapsed < 5, elapsed
    assert peak < 40 * 1024 * 1024, peak


def test_document_expanding_past_the_limit_is_refused(lead_client, draft, settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    import os

    data = hostile.docx_with({"word/media/photo.png": os.urandom(1_200_000)})
    response = upload_on_page(lead_client, draft, "policy.docx", data)
    assert_refused(response, draft, "The file expands to more than 1 MB when opened")


def test_document_with_too_many_parts_is_refused(lead_client, draft, settings):
    settings.UPLOAD_MAX_ARCHIVE_ENTRIES = 40
    parts = {f"word/media/image{n}.png": b"x" for n in range(40)}
    response = upload_on_page(lead_client, draft, "policy.docx", hostile.docx_with(parts))
    assert_refused(response, draft, "The file is made of more than 40 parts")


def test_archive_inside_an_embedded_archive_is_refused(lead_client, draft):
    inner = samples.zip_bytes({"payload.txt": "x"})
    embedded = samples.zip_bytes({"[Content_Types].xml": "<Types/>", "inner.zip": inner})
    data = hostile.docx_with({"word/embeddings/Sheet1.xlsx": embedded})
    response = upload_on_page(lead_client, draft, "policy.docx", data)
    assert_refused(response, draft, "The file holds archives inside archives")


def test_one_embedded_spreadsheet_is_fine(lead_client, draft):
    data = hostile.docx_with({"word/embeddings/Sheet1.xlsx": samples.xlsx_bytes()})
    upload_on_page(lead_client, draft, "policy.docx", data)
    assert EvidenceFile.objects.filter(application=draft).count() == 1


def test_pdf_over_the_page_limit_is_refused(lead_client, draft, settings):
    settings.UPLOAD_MAX_PDF_PAGES = 3
    response = upload_on_page(lead_client, draft, "minutes.pdf", hostile.pdf_with_pages(4))
    assert_refused(response, draft, "The PDF has more than 3 pages")


def test_pdf_at_the_page_limit_is_accepted(lead_client, draft, settings):
    settings.UPLOAD_MAX_PDF_PAGES = 3
    upload_on_page(lead_client, draft, "minutes.pdf", hostile.pdf_with_pages(3))
    assert EvidenceFile.objects.filter(application=draft).count() == 1


def test_pdf_over_the_object_limit_is_refused(lead_client, draft, settings):
    settings.UPLOAD_MAX_PDF_OBJECTS = 5
    response = upload_on_page(lead_client, draft, "minutes.pdf", hostile.pdf_with_pages(4))
    assert_refused(response, draft, "The PDF is made of more than 5 parts")


def test_pdf_needing_more_memory_than_the_ceiling_is_refused(lead_client, draft, settings):
    settings.FILE_PARSE_MEMORY_BYTES = 8 * 1024 * 1024  # too little for the checker to start
    response = upload_on_page(lead_client, draft, "minutes.pdf", text_pdf())
    assert_refused(response, draft, "The PDF took more memory or time to open")


ACTIVE_PDF = "The PDF contains JavaScript, actions that open other programs, or attached files"
ATTACHED = "that is not part of the document"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(hostile.pdf_with_open_action_javascript, ACTIVE_PDF, id="open-action-js"),
        pytest.param(hostile.pdf_with_launch_action, ACTIVE_PDF, id="launch"),
        pytest.param(hostile.pdf_with_embedded_file, ACTIVE_PDF, id="embedded-file"),
        pytest.param(
            lambda: text_pdf() + b"<html><script>alert(1)</script></html>\n",
            ATTACHED,
            id="html-appended",
        ),
        pytest.param(
            lambda: text_pdf() + samples.zip_bytes({"run.txt": "x"}), ATTACHED, id="zip-appended"
        ),
        pytest.param(
            lambda: b"<html><body>hi</body></html>\n" + text_pdf(), ATTACHED, id="html-before"
        ),
    ],
)
def test_pdf_with_active_content_or_another_format_is_refused(lead_client, draft, make, reason):
    response = upload_on_page(lead_client, draft, "minutes.pdf", make())
    assert_refused(response, draft, reason)


def test_pdf_saved_with_an_incremental_update_is_accepted(lead_client, draft):
    upload_on_page(lead_client, draft, "minutes.pdf", hostile.pdf_with_incremental_update())
    assert EvidenceFile.objects.filter(application=draft).count() == 1


MACROS = "The file contains macros or ActiveX controls, which cannot be uploaded"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(hostile.docx_with_renamed_macro_part, id="macro-part-by-content-type"),
        pytest.param(hostile.docx_with_macro_relationship, id="macro-part-by-relationship"),
        pytest.param(hostile.docx_with_activex, id="activex"),
    ],
)
def test_office_document_with_macros_under_any_name_is_refused(lead_client, draft, make):
    response = upload_on_page(lead_client, draft, "policy.docx", make())
    assert_refused(response, draft, MACROS)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("notes.txt", b"<!DOCTYPE html><html><body>Hi</body></html>", id="html-txt"),
        pytest.param(
            "notes.txt",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
            id="svg-txt",
        ),
        pytest.param("data.csv", b'<?xml version="1.0"?><root/>', id="xml-csv"),
        pytest.param(
            "data.csv", b"quarter,placed\nQ1,<script>alert(1)</script>\n", id="script-in-csv"
        ),
    ],
)
def test_markup_named_as_text_is_refused(lead_client, draft, name, data):
    response = upload_on_page(lead_client, draft, name, data)
    assert_refused(response, draft, "it is a web page, image or other marked-up document")


def test_text_with_angle_brackets_is_still_text(lead_client, draft):
    data = b"quarter,placed\nQ1,<5 children\nQ2,>3 carers\n"
    upload_on_page(lead_client, draft, "data.csv", data)
    assert EvidenceFile.objects.filter(application=draft).count() == 1


def test_macros_inside_an_embedded_ole_object_are_refused(lead_client, draft):
    data = hostile.docx_with_embedded_ole(hostile.ole_compound_file("VBA", "dir"))
    response = upload_on_page(lead_client, draft, "policy.docx", data)
    assert_refused(response, draft, MACROS)


def test_an_embedded_ole_object_without_macros_is_fine(lead_client, draft):
    data = hostile.docx_with_embedded_ole(hostile.ole_compound_file(None, "Contents"))
    upload_on_page(lead_client, draft, "policy.docx", data)
    assert EvidenceFile.objects.filter(application=draft).count() == 1
