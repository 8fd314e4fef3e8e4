import codecs
import os

import pytest

from qualitymark.files.validation import (
    ALLOWED_TYPES,
    MAX_NAME_LENGTH,
    UploadRejected,
    ValidatedUpload,
    sanitise_filename,
    validate_upload,
)

from . import samples
from .samples import ELF, WINDOWS_PE, upload

MAX = 20 * 1024 * 1024


def rejected(name: str, data: bytes, *, max_bytes: int = MAX) -> str:
    with pytest.raises(UploadRejected) as caught:
        validate_upload(upload(name, data), max_bytes=max_bytes)
    return caught.value.reason


# --- accepted files -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("extension", "kind"),
    [
        ("pdf", "pdf"),
        ("docx", "docx"),
        ("xlsx", "xlsx"),
        ("pptx", "pptx"),
        ("odt", "odt"),
        ("ods", "ods"),
        ("png", "png"),
        ("jpg", "jpeg"),
        ("jpeg", "jpeg"),
        ("txt", "txt"),
        ("csv", "csv"),
    ],
)
def test_accepts_each_allowed_type(extension, kind):
    data = samples.SAMPLES[extension]()
    result = validate_upload(upload(f"Q1 evidence.{extension.upper()}", data), max_bytes=MAX)
    assert result == ValidatedUpload(
        kind=kind,
        extension=extension,
        safe_name=f"Q1 evidence.{extension.upper()}",
        size=len(data),
        encoding="utf-8" if kind in {"txt", "csv"} else None,
    )
    assert result.mime_type == ALLOWED_TYPES[kind].mime_type


def test_every_allowed_type_declares_extensions_and_a_content_check():
    assert set(ALLOWED_TYPES) == {
        "pdf",
        "docx",
        "xlsx",
        "pptx",
        "odt",
        "ods",
        "png",
        "jpeg",
        "txt",
        "csv",
    }
    for file_type in ALLOWED_TYPES.values():
        assert file_type.extensions
        assert file_type.is_text or file_type.signatures


def test_temporary_upload_on_disk_is_validated_and_left_rewound():
    data = samples.docx_bytes("Panel notes")
    uploaded = samples.temporary_upload("notes.docx", data)
    try:
        result = validate_upload(uploaded, max_bytes=MAX)
        assert result.kind == "docx"
        assert uploaded.tell() == 0
        assert os.path.exists(uploaded.temporary_file_path())
        assert uploaded.read() == data
    finally:
        uploaded.close()


def test_upload_is_rewound_after_a_rejection():
    uploaded = upload("photo.pdf", samples.image_bytes("PNG"))
    with pytest.raises(UploadRejected):
        validate_upload(uploaded, max_bytes=MAX)
    assert uploaded.tell() == 0


@pytest.mark.parametrize(
    "name_and_data",
    [
        ("big.txt", ("é" * 400_000).encode()),  # 800 KB of two-byte characters
        (
            "big.docx",
            samples.zip_bytes(
                {
                    "[Content_Types].xml": samples.CONTENT_TYPES_XML,
                    "word/document.xml": "<w:document/>",
                    "word/media/big.bin": os.urandom(900_000),
                }
            ),
        ),
        ("big.pdf", samples.big_pdf_bytes(os.urandom(900_000))),
    ],
    ids=["text", "zip", "pdf"],
)
def test_content_is_read_in_chunks_never_whole(name_and_data):
    name, data = name_and_data
    uploaded, recorder = samples.recording_upload(name, data)
    validate_upload(uploaded, max_bytes=MAX)
    assert recorder.read_sizes, "the content was not looked at"
    assert max(recorder.read_sizes) <= 128 * 1024
    assert uploaded.tell() == 0


def test_utf8_character_split_across_chunks_is_still_text():
    data = b"a" * (64 * 1024 - 1) + "£ and é".encode()
    assert validate_upload(upload("notes.txt", data), max_bytes=MAX).encoding == "utf-8"


def test_utf8_with_byte_order_mark():
    data = codecs.BOM_UTF8 + "quarter,placements – Q1\n".encode()
    assert validate_upload(upload("data.csv", data), max_bytes=MAX).encoding == "utf-8-sig"


def test_windows_1252_csv_from_excel_is_accepted():
    data = "item,cost\nFee,£750\n".encode("cp1252")
    assert validate_upload(upload("fees.csv", data), max_bytes=MAX).encoding == "cp1252"


def test_tabs_and_windows_line_endings_are_fine():
    data = b"a\tb\r\nc\td\r\n\x0c"
    assert validate_upload(upload("table.txt", data), max_bytes=MAX).kind == "txt"


def test_size_exactly_at_the_limit_is_accepted():
    data = b"x" * 1024
    assert validate_upload(upload("notes.txt", data), max_bytes=1024).size == 1024


# --- rejected: size -------------------------------------------------------------------


def test_empty_file():
    assert rejected("notes.txt", b"") == "The selected file is empty."


def test_over_the_size_limit():
    data = b"x" * (MAX + 1)
    assert rejected("notes.txt", data) == "The file must be 20 MB or smaller"


# --- rejected: names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("report", "must end with a file type"),
        ("report.", "must end with a file type"),
        ("report.pdf.exe", "more than one file type"),
        ("report.exe.pdf", "more than one file type"),
        ("Policy.DOCX.pdf", "more than one file type"),
        ("rep\x07ort.pdf", "control characters"),
        ("rep\nort.pdf", "control characters"),
        ("invoice\u202efdp.exe", "control characters"),
        ("..\\..\\evidence.pdf", "must not contain / or \\"),
        ("folder\\evidence.pdf", "must not contain / or \\"),
        ("a" * (MAX_NAME_LENGTH - 3) + ".pdf", f"{MAX_NAME_LENGTH} characters or fewer"),
        ("...", "must have a name"),
        (" . . ", "must have a name"),
        (".pdf", "some words before .pdf"),
        ("  .pdf", "some words before .pdf"),
    ],
)
def test_odd_names_are_rejected(name, words):
    assert words in rejected(name, samples.pdf_bytes())


@pytest.mark.parametrize(
    ("name", "words"),
    [("../evidence.pdf", "must not contain"), ("", "must have a name"), (None, "must have a name")],
)
def test_names_django_would_not_let_through_are_rejected_too(name, words):
    uploaded = upload("evidence.pdf", samples.pdf_bytes())
    uploaded._name = name  # bypass Django's own clean-up of the name
    with pytest.raises(UploadRejected, match=words):
        validate_upload(uploaded, max_bytes=MAX)


def test_dates_and_versions_in_names_are_not_double_extensions():
    for name in ("Minutes 12.03.2025.pdf", "Policy v1.2 final.pdf", "J.Smith notes.pdf"):
        assert validate_upload(upload(name, samples.pdf_bytes()), max_bytes=MAX).kind == "pdf"


def test_name_of_exactly_the_maximum_length_is_accepted():
    name = "a" * (MAX_NAME_LENGTH - 4) + ".pdf"
    assert validate_upload(upload(name, samples.pdf_bytes()), max_bytes=MAX).safe_name == name


@pytest.mark.parametrize("extension", ["exe", "svg", "html", "doc", "zip", "js", "msi"])
def test_extension_not_allowed_lists_what_is(extension):
    reason = rejected(f"evidence.{extension}", b"hello")
    assert f"Files ending .{extension} cannot be uploaded" in reason
    for allowed in (
        ".pdf",
        ".docx",
        ".xlsx",
        ".pptx",
        ".odt",
        ".ods",
        ".png",
        ".jpg",
        ".jpeg",
        ".txt",
        ".csv",
    ):
        assert allowed in reason


def test_fullwidth_characters_cannot_hide_an_extension():
    # NFKC turns the fullwidth ".ｅｘｅ" into ".exe".
    assert "cannot be uploaded" in rejected("setup．ｅｘｅ", WINDOWS_PE)


# --- rejected: content ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.pdf", "notes.txt", "photo.png", "data.csv", "a.docx"])
@pytest.mark.parametrize(
    "payload",
    [WINDOWS_PE, ELF, b"#!/bin/sh\nrm -rf /\n", b"#!/usr/bin/env python3\nprint(1)\n"],
    ids=["windows-exe", "elf", "shell", "python"],
)
def test_executables_are_rejected_whatever_the_extension(name, payload):
    assert "looks like a program" in rejected(name, payload)


def test_executable_with_pdf_header_later_is_still_a_program():
    assert "looks like a program" in rejected("report.pdf", WINDOWS_PE + b"%PDF-1.7")


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("report.pdf", samples.image_bytes("PNG"), "it is a PNG image, not a PDF document"),
        ("photo.jpg", samples.image_bytes("PNG"), "it is a PNG image, not a JPEG image"),
        ("photo.png", samples.image_bytes("JPEG"), "it is a JPEG image, not a PNG image"),
        ("photo.png", samples.pdf_bytes(), "it is a PDF document, not a PNG image"),
        ("report.pdf", b"Just some text pretending to be a PDF", "not a PDF document"),
        ("report.docx", samples.xlsx_bytes(), "it is an Excel spreadsheet, not a Word document"),
        ("sheet.xlsx", samples.docx_bytes(), "it is a Word document, not an Excel spreadsheet"),
        ("slides.pptx", samples.docx_bytes(), "it is a Word document, not a PowerPoint"),
        ("report.docx", samples.pptx_bytes(), "PowerPoint presentation, not a Word document"),
        ("report.docx", samples.pdf_bytes(), "it is a PDF document, not a Word document"),
        ("report.odt", samples.ods_bytes(), "OpenDocument spreadsheet, not an OpenDocument text"),
        ("sheet.ods", samples.odt_bytes(), "OpenDocument text document, not an OpenDocument spr"),
        (
            "sheet.ods",
            samples.odf_bytes("application/vnd.oasis.opendocument.presentation"),
            "it is a zip archive, not an OpenDocument spreadsheet",
        ),
        ("report.docx", samples.zip_bytes({"readme.txt": "hello"}), "it is a zip archive"),
        ("report.docx", b"PK\x03\x04 truncated zip", "not a Word document"),
        ("report.odt", samples.docx_bytes(), "it is a Word document, not an OpenDocument text"),
        ("notes.txt", samples.pdf_bytes(), "it is a PDF document, not a plain text file"),
        ("data.csv", samples.docx_bytes(), "it is a Word document, not a CSV file"),
        ("data.csv", samples.image_bytes("PNG"), "it is a PNG image, not a CSV file"),
    ],
)
def test_content_that_does_not_match_the_extension(name, data, words):
    reason = rejected(name, data)
    assert words in reason
    assert reason.startswith(f"The file ends in .{name.rsplit('.', 1)[1]}")


def test_office_document_with_macros_is_rejected():
    data = samples.ooxml_bytes("word/document.xml", extra={"word/vbaProject.bin": b"\x00" * 64})
    assert "contains macros" in rejected("report.docx", data)


def test_password_protected_office_document_gets_a_helpful_reason():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    assert "password-protected or saved in an older" in rejected("report.docx", ole2)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"name,value\nA,\x00\x01\x02\n", "contains binary data"),
        (b"hello\x1b[31m red", "contains binary data"),
        ("quarter,children".encode("utf-16"), "saved as UTF-16"),
        (b"caf\xc3 broken \x81\x8d\x8f", "not readable text"),
    ],
    ids=["nul", "escape", "utf-16", "undecodable"],
)
def test_text_files_must_be_text(data, words):
    assert words in rejected("data.csv", data)


def test_binary_after_the_first_chunk_is_found():
    data = b"a" * (200 * 1024) + b"\x00\x00binary"
    assert "binary data" in rejected("notes.txt", data)


# --- sanitise_filename -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Q1 evidence.pdf", "Q1 evidence.pdf"),
        ("C:\\Users\\lead\\Documents\\Annual report.docx", "Annual report.docx"),
        ("../../etc/passwd", "passwd"),
        ("ｒｅｐｏｒｔ　２０２５.pdf", "report 2025.pdf"),
        ("ﬁnal report.pdf", "final report.pdf"),
        ("bad\x00na\x1fme\u202e.pdf", "badname.pdf"),
        ("  my \t  report\n2025 .pdf  ", "my report 2025 .pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("trailing.pdf. . ", "trailing.pdf"),
        ("Café — panel notes.docx", "Café — panel notes.docx"),
        ("", "file"),
        ("...", "file"),
        ("/", "file"),
    ],
)
def test_sanitise_filename(raw, clean):
    assert sanitise_filename(raw) == clean


def test_sanitise_filename_caps_length_keeping_the_extension():
    name = sanitise_filename("word " * 60 + ".docx")
    assert len(name) <= MAX_NAME_LENGTH
    assert name.endswith("word.docx")
    assert sanitise_filename("x" * 400).startswith("x") and len(sanitise_filename("x" * 400)) == 150
    assert sanitise_filename("abcdef.pdf", max_length=8) == "abcd.pdf"
