import io
import logging

import pytest

from qualitymark.files.pdf import render_pdf
from qualitymark.files.storage import store_private_file
from qualitymark.files.text_extraction import extract_text

from . import samples


def store(data: bytes, name: str) -> str:
    return store_private_file(samples.upload(name, data), prefix="evidence").key


@pytest.fixture
def rendered_pdf(pdf_templates) -> bytes:
    (pdf_templates / "pdf").mkdir()
    (pdf_templates / "pdf" / "case_study.html").write_text("""
{% extends "pdf/base.html" %}
{% block content %}<h1>Case study</h1><p>Baby {{ name }} was placed with carers.</p>
<p class="page-break">Second page about family time.</p>{% endblock %}
""")
    return render_pdf("pdf/case_study.html", {"name": "Jayden"})


def docx_with_tables() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Introduction by the head of service")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Child"
    table.cell(0, 1).text = "Carer"
    table.cell(1, 0).text = "Baby Amelia"
    merged = table.cell(0, 2).merge(table.cell(1, 2))
    merged.text = "Merged note about Mrs Okafor"
    inner = table.cell(1, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Nested cell naming Leo"
    document.add_paragraph("Closing paragraph")
    document.sections[0].header.paragraphs[0].text = "Header: Northshire confidential"
    document.sections[0].footer.paragraphs[0].text = "Footer: prepared by Sam Patel"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------


def test_pdf_text_by_key(rendered_pdf):
    text = extract_text(store(rendered_pdf, "case.pdf"), "pdf")
    assert "Baby Jayden was placed with carers." in text
    assert "Second page about family time." in text


def test_pdf_text_from_an_open_file_leaves_it_rewound(rendered_pdf):
    uploaded = samples.upload("case.pdf", rendered_pdf)
    assert "Jayden" in extract_text(uploaded, "pdf")
    assert uploaded.tell() == 0


def test_encrypted_pdf_with_an_empty_user_password_is_read():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert extract_text(io.BytesIO(buffer.getvalue()), "pdf") == ""  # blank, but no error


def test_pdf_needing_a_password_gives_empty_text(caplog):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with caplog.at_level(logging.WARNING, logger="qualitymark.files.text_extraction"):
        assert extract_text(io.BytesIO(buffer.getvalue()), "pdf") == ""
    assert "Could not extract text from pdf" in caplog.text


# --- DOCX ---------------------------------------------------------------------------------


def test_docx_paragraphs_tables_headers_and_footers():
    text = extract_text(store(docx_with_tables(), "case.docx"), "docx")
    for expected in (
        "Introduction by the head of service",
        "Child",
        "Baby Amelia",
        "Merged note about Mrs Okafor",
        "Nested cell naming Leo",
        "Closing paragraph",
        "Header: Northshire confidential",
        "Footer: prepared by Sam Patel",
    ):
        assert expected in text
    assert text.count("Merged note about Mrs Okafor") == 1
    assert text.index("Introduction") < text.index("Baby Amelia") < text.index("Closing")


def test_docx_from_python_docx():
    data = samples.docx_bytes("First paragraph", "Second paragraph")
    assert extract_text(io.BytesIO(data), "docx") == "First paragraph\nSecond paragraph"


# --- text ---------------------------------------------------------------------------------------


def test_plain_text_and_csv():
    assert extract_text(io.BytesIO("Café £750".encode()), "txt") == "Café £750"
    assert extract_text(io.BytesIO(b"\xef\xbb\xbfa,b"), "csv") == "a,b"
    assert extract_text(io.BytesIO("fee,£750".encode("cp1252")), "CSV") == "fee,£750"


# --- never raises ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\nthis is not really a pdf", "pdf"),
        (b"", "pdf"),
        (samples.zip_bytes({"readme.txt": "hi"}), "docx"),
        (samples.xlsx_bytes(), "docx"),
        (b"PK\x03\x04 broken", "docx"),
        (b"\x00\x01\x02", "docx"),
    ],
    ids=["fake-pdf", "empty-pdf", "plain-zip", "xlsx-as-docx", "broken-zip", "junk"],
)
def test_broken_files_give_empty_text_and_a_log_line(data, kind, caplog):
    with caplog.at_level(logging.WARNING, logger="qualitymark.files.text_extraction"):
        assert extract_text(store(data, f"broken.{kind}"), kind) == ""
    assert f"Could not extract text from {kind}" in caplog.text


def test_missing_key_gives_empty_text(caplog):
    with caplog.at_level(logging.WARNING, logger="qualitymark.files.text_extraction"):
        assert extract_text("evidence/not-there", "pdf") == ""
    assert "Could not extract text" in caplog.text


def test_kinds_without_extraction_give_empty_text():
    assert extract_text(io.BytesIO(samples.image_bytes("PNG")), "png") == ""
    assert extract_text(io.BytesIO(b"x"), "") == ""


def test_log_line_does_not_contain_document_content(caplog):
    with caplog.at_level(logging.WARNING):
        extract_text(io.BytesIO(b"%PDF-1.4 Baby Jayden secret"), "pdf")
    assert "Jayden" not in caplog.text
