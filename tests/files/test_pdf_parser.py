"""The PDFs' HTML is read by libxml2 (lxml), not WeasyPrint's own parser
(issue 16). Whatever text a person wrote, escaped as the templates escape it,
both parsers must build the same tree, or a PDF could lose or change words."""

import lxml.html
import tinyhtml5
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitymark.files import pdf

PAGE = Template(
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ text }}</title>'
    '<style>p { color: red; }</style></head><body data-footer="{{ text }}">'
    '<h1>{{ text }}</h1><p class="rating"><strong>Rating:</strong> {{ text }}</p>'
    '{{ text|linebreaks }}<table><tbody><tr><th scope="row">{{ text }}</th>'
    "<td>{{ text }}</td></tr></tbody></table><ul><li>{{ text }}</li></ul>"
    "<pre>{{ text }}</pre><p>{{ text|linebreaksbr }}</p></body></html>"
)


def shape(element) -> tuple:
    """An element as WeasyPrint reads it: its tag, attributes, text and
    children, each with the text after it."""
    if not isinstance(element.tag, str):
        return ("comment", element.tail or "")
    return (
        element.tag,
        dict(element.attrib),
        element.text or "",
        [(shape(child), child.tail or "") for child in element],
    )


def both_ways(text: str) -> tuple:
    html = PAGE.render(Context({"text": text}))
    theirs = tinyhtml5.parse(html, namespace_html_elements=False)
    ours = pdf._Document(string=html, base_url="file:///", url_fetcher=pdf.SafeURLFetcher())
    return shape(ours.etree_element), shape(theirs)


# Any character: the portal refuses a form field holding NUL, and a page with
# one goes to WeasyPrint's own parser (libxml2 reads NUL differently).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_text_is_read_the_same_by_both_parsers(text):
    ours, theirs = both_ways(text)
    assert ours == theirs


def test_awkward_text_is_read_the_same():
    for text in [
        "",
        "</p><script>alert(1)</script>",
        "&amp; &nbsp; &lt;b&gt; &#x1F600;",
        'Tom & Jerry\'s "agency" <b>bold</b>',
        "line one\r\nline two\rline three\n\n\nnew paragraph",
        "  leading and trailing spaces  ",
        "\tindented",
        "\n starts with a new line",
        "émoji 🙂, right-to-left \u202eabc\u202c, zero width \u200b joiner \u200d",
        "\ufeff byte order mark",
        "NUL \x00 form feed \x0c escape \x1b delete \x7f next line \x85",
        "]]> <!-- not a comment --> <![CDATA[x]]>",
    ]:
        ours, theirs = both_ways(text)
        assert ours == theirs, text


def test_the_pdf_document_is_read_by_lxml():
    document = pdf._Document(
        string="<!DOCTYPE html><html><body><p>Hello</p></body></html>",
        base_url="file:///",
        url_fetcher=pdf.SafeURLFetcher(),
    )
    assert isinstance(document.etree_element, lxml.html.HtmlElement)
