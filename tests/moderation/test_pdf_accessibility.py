"""The certificate and the decision-with-feedback PDF are tagged PDFs that declare
PDF/UA-1, with a heading in their structure (issue 15)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from moderation.certificates import render_certificate_pdf
from tests.awards.factories import make_award
from tests.factories import MembershipFactory

from .test_panel_pages import decided_application, login

pytestmark = pytest.mark.django_db


def structure_tags(node, found=None) -> set[str]:
    """Every structure type (/H1, /P, /Table...) under a structure element."""
    found = set() if found is None else found
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            structure_tags(child, found)
        return found
    if not hasattr(node, "get"):
        return found
    if "/S" in node:
        found.add(str(node["/S"]))
    if "/K" in node:
        structure_tags(node["/K"], found)
    return found


def assert_tagged_pdf_ua(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a PDF boolean object
    metadata = reader.xmp_metadata
    assert metadata is not None
    xmp = metadata.stream.get_data().decode()
    assert "pdfuaid" in xmp and "<pdfuaid:part>1</pdfuaid:part>" in xmp.replace(
        'pdfuaid:part="1"', "<pdfuaid:part>1</pdfuaid:part>"
    )
    assert reader.metadata.title
    return structure_tags(catalog["/StructTreeRoot"])


def test_the_certificate_is_tagged_with_a_heading_and_declares_pdf_ua():
    award = make_award()
    tags = assert_tagged_pdf_ua(render_certificate_pdf(award))
    assert "/H1" in tags
    assert {"/Table", "/Figure"} <= tags


def test_the_decision_and_feedback_pdf_is_tagged_with_headings_and_declares_pdf_ua(client):
    application, _, _ = decided_application()
    login(client, MembershipFactory(agency=application.agency, role="member").user)
    response = client.get(reverse("agency:decision_pdf", args=[application.pk]))
    tags = assert_tagged_pdf_ua(response.content)
    assert {"/H1", "/H2"} <= tags


def outline_titles(outline) -> list[str]:
    titles = []
    for entry in outline:
        if isinstance(entry, list):
            titles.extend(outline_titles(entry))
        else:
            titles.append(entry.title)
    return titles


def test_the_decision_pdf_outline_lists_its_sections_and_descriptors_but_not_each_subheading(
    client,
):
    application, _, _ = decided_application()
    login(client, MembershipFactory(agency=application.agency, role="member").user)
    response = client.get(reverse("agency:decision_pdf", args=[application.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    titles = outline_titles(reader.outline)
    assert "The panel's decision" in titles
    assert "Feedback on each quality descriptor" in titles
    assert sum(title.startswith("EP") or ":" in title for title in titles) >= 7, titles
    assert "Strengths" not in titles and "Areas to develop" not in titles
    # Still headings in the structure tree for assistive technology.
    assert "/H4" in assert_tagged_pdf_ua(response.content)
