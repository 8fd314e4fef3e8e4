"""Every readable part of a document reaches the guard: Word's comments, tracked changes,
text boxes, footnotes and properties; spreadsheet cells; slides and notes; OpenDocument;
PDF columns re-flowed; and a huge document is read within a bounded amount of memory."""

import io
import tracemalloc
import zipfile
from datetime import date

from docx import Document
from weasyprint import HTML

from qualitymark.files import text_extraction
from qualitymark.files.text_extraction import extract_text

from .samples import opendocument_spreadsheet_bytes, opendocument_text_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WPS_BODY = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body>
<w:p><w:r><w:t>Our case study.</w:t></w:r></w:p>
<w:p><w:ins w:id="1" w:author="Sam"><w:r><w:t>Inserted: Baby Amelia Jones moved.</w:t></w:r></w:ins>
<w:del w:id="2" w:author="Sam"><w:r>
<w:delText>Deleted: birth mother Kerry Dobson</w:delText></w:r></w:del></w:p>
<w:p><w:r><w:pict><w:txbxContent>
<w:p><w:r><w:t>Text box: Leo Abernethy</w:t></w:r></w:p>
</w:txbxContent></w:pict></w:r></w:p>
</w:body></w:document>"""
FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8"?>
<w:footnotes xmlns:w="{W}"><w:footnote w:id="1">
<w:p><w:r><w:t>Footnote: NHS 943 476 5919</w:t></w:r></w:p>
</w:footnote></w:footnotes>"""
COMMENTS = f"""<?xml version="1.0" encoding="UTF-8"?>
<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="Jo">
<w:p><w:r><w:t>Comment: remove Tyrese's surname</w:t></w:r></w:p>
</w:comment></w:comments>"""


def _docx_with_parts() -> bytes:
    document = Document()
    document.core_properties.title = "Case study – Amelia Jones"
    document.add_paragraph("placeholder")
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = WPS_BODY.encode()
            target.writestr(item, data)
        target.writestr("word/footnotes.xml", FOOTNOTES)
        target.writestr("word/comments.xml", COMMENTS)
    return out.getvalue()


def test_every_part_of_a_word_document_is_read():
    text = extract_text(io.BytesIO(_docx_with_parts()), "docx")
    for expected in (
        "Inserted: Baby Amelia Jones moved.",
        "Deleted: birth mother Kerry Dobson",
        "Text box: Leo Abernethy",
        "Footnote: NHS 943 476 5919",
        "Comment: remove Tyrese's surname",
        "Case study – Amelia Jones",
    ):
        assert expected in text


def test_a_word_table_row_is_one_line():
    document = Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Name", "DOB"
    table.cell(1, 0).text, table.cell(1, 1).text = "Amelia Jones", "12/01/2024"
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_text(io.BytesIO(buffer.getvalue()), "docx")
    assert "Name | DOB\nAmelia Jones | 12/01/2024" in text


def test_every_cell_of_every_sheet_is_read_with_dates_as_dates():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Child", "Date of birth"])
    sheet.append(["Amelia Jones", date(2024, 1, 12)])
    second = workbook.create_sheet("Notes")
    second["B3"] = "Birth mother Kerry"
    workbook.properties.title = "Tracker for Leo"
    buffer = io.BytesIO()
    workbook.save(buffer)
    text = extract_text(io.BytesIO(buffer.getvalue()), "xlsx")
    assert "Child | Date of birth\nAmelia Jones | 12/01/2024" in text
    assert "Birth mother Kerry" in text
    assert "Tracker for Leo" in text


def test_slides_and_their_notes_are_read():
    from pptx import Presentation

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Our year"
    slide.placeholders[1].text = "Baby Amelia joined her carers"
    slide.notes_slide.notes_text_frame.text = "Speaker note: mention Kerry Dobson"
    buffer = io.BytesIO()
    presentation.save(buffer)
    text = extract_text(io.BytesIO(buffer.getvalue()), "pptx")
    assert "Baby Amelia joined her carers" in text
    assert "Speaker note: mention Kerry Dobson" in text


def test_opendocument_text_and_spreadsheets_are_read():
    document = opendocument_text_bytes("Birth father Marek Kowalczyk attended.")
    assert "Birth father Marek Kowalczyk attended." in extract_text(io.BytesIO(document), "odt")

    spreadsheet = opendocument_spreadsheet_bytes(("Name", "DOB"), ("Leo Abernethy", "22/02/2023"))
    text = extract_text(io.BytesIO(spreadsheet), "ods")
    assert "Name | DOB\nLeo Abernethy | 22/02/2023" in text


def test_pdf_text_in_narrow_columns_is_reflowed():
    html = (
        "<div style='columns: 3; width: 9cm; font-size: 14pt'>"
        + "Our placements went well this year. " * 3
        + "Baby Amelia was placed with carers. "
        + "Family time happened twice weekly. " * 6
        + "</div>"
    )
    text = extract_text(io.BytesIO(HTML(string=html).write_pdf()), "pdf")
    assert "Baby Amelia" in text


def test_pictures_have_no_text():
    from . import samples

    assert extract_text(io.BytesIO(samples.image_bytes("PNG")), "png") == ""
    assert "png" in text_extraction.PICTURE_KINDS


def test_a_huge_document_is_read_within_bounded_memory(monkeypatch):
    # A 20 MB spreadsheet-like text (CSV): only MAX_TEXT_CHARACTERS are kept.
    monkeypatch.setattr(text_extraction, "MAX_TEXT_CHARACTERS", 2_000_000)
    row = "Amelia Jones,12/01/2024,placed with carers at four days old\n"
    data = (row * (20_000_000 // len(row))).encode()
    tracemalloc.start()
    text = extract_text(io.BytesIO(data), "csv")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(text) <= 2_000_000 + len(text_extraction.REST_NOT_READ) + 1
    assert text.endswith(text_extraction.REST_NOT_READ)  # so a person checks the rest
    assert peak < 60_000_000


def test_a_huge_word_document_stops_at_the_ceiling(monkeypatch):
    monkeypatch.setattr(text_extraction, "MAX_TEXT_CHARACTERS", 100_000)
    document = Document()
    for _ in range(3000):
        document.add_paragraph("Baby Amelia was placed with her carers at four days old. " * 3)
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_text(io.BytesIO(buffer.getvalue()), "docx")
    assert text.endswith(text_extraction.REST_NOT_READ)
    assert 90_000 <= len(text) <= 100_000 + len(text_extraction.REST_NOT_READ) + 1


def test_a_document_with_pictures_is_marked_for_a_person_to_check():
    from . import samples

    document = Document()
    document.add_paragraph("Our family time room")
    document.add_picture(io.BytesIO(samples.image_bytes("PNG")))
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_text(io.BytesIO(buffer.getvalue()), "docx")
    assert "Our family time room" in text
    assert text_extraction.PAGE_WITHOUT_TEXT_PATTERN.search(text)
    assert "1 picture(s)" in text
