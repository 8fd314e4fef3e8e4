"""The identifiers page says what the check reads, and the check reads what it says: a
document of every kind the page names is searched, and pictures are listed for a person
(an outside audit found the page saying spreadsheets and presentations are not read,
when they are)."""

import io
import re

import pytest
from lxml import html

from applications.anonymisation import find_identifiers
from qualitymark.files.text_extraction import PICTURE_KINDS, TEXT_KINDS
from qualitymark.files.validation import ALLOWED_TYPES
from qualitymark.governance.notice import file_checking
from tests.files.samples import (
    image_bytes,
    opendocument_spreadsheet_bytes,
    opendocument_text_bytes,
)

from .test_identifier_check import _fixed_people_names, agency, application, page, upload  # noqa: F401

pytestmark = pytest.mark.django_db

SENTENCE = "Her birth mother Kerry came to every family time session."


def _docx():
    from docx import Document

    document = Document()
    document.add_paragraph(SENTENCE)
    return _saved(document)


def _xlsx():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = SENTENCE
    return _saved(workbook)


def _pptx():
    from pptx import Presentation

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.placeholders[1].text = SENTENCE
    return _saved(presentation)


def _saved(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf():
    from weasyprint import HTML

    return HTML(string=f"<p>{SENTENCE}</p>").write_pdf()


DOCUMENTS = {
    "pdf": _pdf,
    "docx": _docx,
    "xlsx": _xlsx,
    "pptx": _pptx,
    "odt": lambda: opendocument_text_bytes(SENTENCE),
    "ods": lambda: opendocument_spreadsheet_bytes((SENTENCE,)),
    "txt": lambda: SENTENCE.encode(),
    "csv": lambda: f'"Note"\n"{SENTENCE}"\n'.encode(),
}


def _paragraphs(content: str) -> dict[str, str]:
    tree = html.fromstring(content)
    promise = tree.xpath("//p[contains(., 'We have looked through')]")[0].text_content()
    not_read = tree.get_element_by_id("not-read").text_content()
    return {"promise": " ".join(promise.split()), "not_read": " ".join(not_read.split())}


def test_the_page_names_what_is_read_and_what_is_not(lead_client, application):
    words = _paragraphs(page(lead_client, application))
    checking = file_checking()
    assert ", ".join(checking["searched"]) in words["promise"]
    assert ", ".join(checking["looked_at"]) in words["not_read"]
    for label in checking["searched"]:
        assert label not in words["not_read"], label
    assert not re.search(r"spreadsheet|presentation|Word|CSV|text file", words["not_read"])


def test_every_kind_the_page_names_has_a_document_to_try():
    named = {kind for kind in ALLOWED_TYPES if kind in TEXT_KINDS}
    assert named <= set(DOCUMENTS) | {"doc", "xls", "ppt", "odp"}
    assert {"xlsx", "pptx", "ods"} <= named


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_a_document_of_each_kind_named_is_searched(
    lead, lead_client, application, kind, django_capture_on_commit_callbacks
):
    assert kind in TEXT_KINDS and kind in ALLOWED_TYPES
    name = f"family-time-notes.{kind}"
    upload(lead, application, "q6", name, DOCUMENTS[kind](), django_capture_on_commit_callbacks)
    content = page(lead_client, application)
    assert f"Document ‘{name}’" in content
    assert "<mark>Kerry</mark>" in content


@pytest.mark.parametrize("kind", sorted(PICTURE_KINDS & set(ALLOWED_TYPES)))
def test_a_picture_is_listed_for_a_person_to_check(
    lead, lead_client, application, kind, django_capture_on_commit_callbacks
):
    name = f"poster.{kind}"
    upload(
        lead,
        application,
        "q6",
        name,
        image_bytes("JPEG" if kind in ("jpg", "jpeg") else kind.upper()),
        django_capture_on_commit_callbacks,
    )
    content = page(lead_client, application)
    assert f"Document ‘{name}’" in content
    assert "Open it and check it yourself" in content


def _quoted(element) -> list[str]:
    return re.findall(r"“([^”]+)”", element.text_content())


def test_the_pages_examples_are_found_and_its_anonymised_letters_are_not(lead_client, application):
    """An outside corpus writer took the page's "Baby A" as something the check finds, when
    a single letter is how applications anonymise and is left alone: the page now gives a
    name as its example, and says that a letter is not listed."""
    tree = html.fromstring(page(lead_client, application))
    [names_item] = [li for li in tree.iter("li") if "family role" in li.text_content()]
    examples = _quoted(names_item)
    assert examples == ["birth mother Kerry", "Baby Ezra"]
    for example in examples:
        found = find_identifiers(f"In our case study, {example} was placed at four days old.")
        assert found, example
    letters = _quoted(tree.get_element_by_id("anonymised"))
    assert letters == ["Baby A", "Child B"]
    for example in letters:
        assert find_identifiers(f"In our case study, {example} was placed at four days old.") == []
