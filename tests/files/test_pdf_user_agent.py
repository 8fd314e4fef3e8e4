"""PDFs are styled from qualitymark/files/pdf_user_agent.css, not WeasyPrint's
own user-agent stylesheet (issue 16: it is matched against every element of
every PDF). Each of our PDFs, and a page of every element that stylesheet
covers, is rendered both ways and drawn by poppler: the pixels, the text and
the outline must be the same."""

import io
import shutil
import subprocess

import pytest
import weasyprint
from django.utils import timezone
from PIL import Image, ImageChops
from pypdf import PdfReader

from applications.selectors.submissions import application_overview
from moderation.certificates import render_certificate_pdf
from qualitymark.files import pdf
from tests.awards.builders import Panel

from .test_pdf import write_template

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")

SPECIMEN = """{% extends "pdf/base.html" %}
{% block footer %}Specimen{% endblock %}
{% block content %}
<h1>Heading one</h1><h2>Heading two</h2><h3>Heading three</h3>
<h4>Heading four</h4><h5>Heading five</h5><h6>Heading six</h6>
<p>A paragraph with <strong>strong</strong>, <b>bold</b>, <em>emphasis</em>, <i>italic</i>,
<small>small</small>, H<sub>2</sub>O, x<sup>2</sup>, <code>code</code>, <abbr title="Quality
Mark">QM</abbr>, <q>a quotation</q>, <del>deleted</del>, <ins>inserted</ins>, <u>underlined</u>,
<s>struck</s>, <mark>marked</mark>, <a href="https://qualitymark.example/">a link</a>,<br>
a line break and a long<wbr>word.</p>
<ul><li>First<ul><li>Nested<ul><li>Deeper</li></ul></li></ul></li><li>Second</li></ul>
<ol><li>One</li><li>Two<ol><li>Two point one</li></ol></li></ol>
<dl><dt>Term</dt><dd>Its description</dd></dl>
<blockquote><p>Quoted at length.</p></blockquote>
<pre>  preformatted   text</pre>
<hr>
<figure><img src="{{ pdf_assets_url }}quality-mark-seal.svg" alt="Seal" style="width: 20mm">
<figcaption>A figure</figcaption></figure>
<address>1 Example Street</address>
<table><caption>A table</caption>
<thead><tr><th scope="col">Descriptor</th><th scope="col">Rating</th></tr></thead>
<tbody><tr><th scope="row">Q1</th><td>Meets</td></tr><tr><td>Q2</td><td>Exceeds</td></tr></tbody>
<tfoot><tr><td colspan="2">Total</td></tr></tfoot></table>
<section><article><header>Header</header><main>Main</main><footer>Footer</footer></article></section>
{% endblock %}"""


def drawn(data: bytes, tmp_path, name: str) -> list[Image.Image]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / f"{name}.pdf").write_bytes(data)
    subprocess.run(  # noqa: S603 - poppler on our own file
        ["pdftoppm", "-r", "60", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],  # noqa: S607
        check=True,
    )
    return [Image.open(path).convert("RGB") for path in sorted(tmp_path.glob(f"{name}-*.png"))]


def titles(outline) -> list:
    """The outline's headings, nested as the PDF nests them."""
    return [titles(item) if isinstance(item, list) else item.title for item in outline]


def read_back(data: bytes) -> tuple[str, list]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, titles(reader.outline)


def assert_the_same_both_ways(render, tmp_path, monkeypatch):
    ours = render()
    with monkeypatch.context() as patched:
        patched.setattr(pdf, "_Document", weasyprint.HTML)  # WeasyPrint's own stylesheet
        theirs = render()
    ours_pages, theirs_pages = drawn(ours, tmp_path, "ours"), drawn(theirs, tmp_path, "theirs")
    assert len(ours_pages) == len(theirs_pages) > 0
    for number, (mine, weasy) in enumerate(zip(ours_pages, theirs_pages, strict=True), 1):
        assert mine.size == weasy.size, f"page {number}"
        assert ImageChops.difference(mine, weasy).getbbox() is None, f"page {number} differs"
    assert read_back(ours) == read_back(theirs)
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(ours)).trailer["/Root"]


def test_a_page_of_every_element_looks_the_same(pdf_templates, tmp_path, monkeypatch):
    write_template(pdf_templates, "pdf/specimen.html", SPECIMEN)
    specimen = lambda: pdf.render_pdf("pdf/specimen.html", {})  # noqa: E731
    assert_the_same_both_ways(specimen, tmp_path, monkeypatch)


@pytest.mark.django_db
def test_the_certificate_looks_the_same(tmp_path, monkeypatch):
    award = Panel().award()
    assert_the_same_both_ways(lambda: render_certificate_pdf(award), tmp_path, monkeypatch)


@pytest.mark.django_db
def test_the_decision_and_the_application_look_the_same(client, tmp_path, monkeypatch):
    panel = Panel()
    application = panel.award().application
    lead = application.agency.memberships.get(role="lead").user
    client.force_login(lead)

    def decision():
        response = client.get(f"/agency/applications/{application.pk}/decision.pdf")
        assert response.status_code == 200
        return b"".join(response.streaming_content) if response.streaming else response.content

    assert_the_same_both_ways(decision, tmp_path / "decision", monkeypatch)

    def application_pdf():
        return pdf.render_pdf(
            "pdf/application.html",
            {
                "application": application,
                "overview": application_overview(application),
                "generated_at": timezone.now(),
                "generated_by": panel.staff,
            },
        )

    assert_the_same_both_ways(application_pdf, tmp_path / "application", monkeypatch)
