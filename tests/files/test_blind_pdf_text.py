"""Blind tests: what the chair types reaches the agency's PDFs word for word.

Written blind from the promise alone, without reading the PDF renderer
(qualitymark/files/pdf.py) or its templates (templates/pdf/*.html):

* when a panel chair records a decision, the agency's lead can download it as
  a PDF (GET /agency/applications/<pk>/decision.pdf) and every word the chair
  typed in the rationale and in each descriptor's "strengths" and "areas to
  develop" appears in it, however unusual the text;
* the award certificate PDF shows the agency's name exactly as stored.

PDF text extraction may re-flow whitespace, wrap a long word at a line-break
opportunity and insert page headers or footers between pages, so the checks
look for each typed word, in order, in the PDF's text with whitespace removed,
rather than requiring exact line layout.

Inputs avoid two legitimately ambiguous extractions rather than weakening the
assertions: typographic (curly) quotes, which a font or extractor may map to
straight ones, and the ligature sequences "ff", "fi" and "fl", which a shaper may
draw as one glyph (U+FB00-FB02). Straight quotes and apostrophes are used.
"""

import io

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from moderation.certificates import render_certificate_pdf
from moderation.models.workflow import Recommendation
from moderation.services.panel import (
    correct_decision,
    create_meeting,
    record_decision,
    set_meeting_details,
)
from tests.awards.builders import MEETS, Panel
from tests.factories import AgencyFactory
from tests.moderation.builders import ratings_for, screened_application, submit_review

pytestmark = pytest.mark.django_db


def pdf_words(data: bytes) -> list[str]:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()


def assert_shown(expected: str, words: list[str], where: str) -> None:
    """Every word of `expected` is in the PDF, in order.

    Layout may wrap a long word at a line-break opportunity (after "|", "/",
    "-", "?" and so on, UAX #14), which extraction turns into whitespace, and a
    page footer may fall between two words; so each word is looked for in the
    PDF's text with its whitespace removed, after the previous word's match."""
    glued = "".join(words)
    position = 0
    for word in expected.split():
        found = glued.find(word, position)
        assert found >= 0, (
            f"{where}: {word!r} (of {expected!r}) not in the PDF after what came "
            f"before it; the PDF shows {words!r}"
        )
        position = found + len(word)


def decide(panel: Panel, *, rationale: str, feedback_text) -> tuple:
    """Record a decision with the chair's own text; returns (application, decision).

    feedback_text(descriptor_code) gives (strengths, areas_to_develop)."""
    application, assignments = screened_application(agency=AgencyFactory(), staff=panel.staff)
    for assignment in assignments:
        submit_review(assignment, value=MEETS)
    application.refresh_from_db()
    meeting = create_meeting(actor=panel.staff, held_on=timezone.localdate(), chair=panel.chair)
    set_meeting_details(
        actor=panel.staff, meeting=meeting, members_present=panel.members, agenda=[application]
    )
    decision = record_decision(
        actor=panel.chair.user,
        application=application,
        meeting=meeting,
        outcome=Recommendation.FULL,
        rationale=rationale,
        feedback=feedback_for(application, feedback_text),
    )
    return application, decision


def feedback_for(application, feedback_text) -> dict:
    feedback = ratings_for(application, MEETS)
    codes = {d.pk: d.code for d in application.framework.descriptors.all()}
    for pk, row in feedback.items():
        row["strengths"], row["areas_to_develop"] = feedback_text(codes[pk])
    return feedback


def download(client, application) -> bytes:
    client.force_login(application.agency.memberships.get(role="lead").user)
    response = client.get(f"/agency/applications/{application.pk}/decision.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


# --- 1. ordinary but awkward text ------------------------------------------------------------

RATIONALE = (
    '  Leading spaces: the panel\'s view is "clear" & settled.\n'
    "Second line, single newline: <b>not bold</b> and </p><script>x</script> stay text.\n"
    "\n"
    "New paragraph: &amp; &nbsp; &lt; written literally; café, niño, København.\n"
    "\n\n"
    "Welsh: dŵr, tŷ; cost £1,250 – range 3–5 — as agreed (50% / 100%).  \n  "
)

UNUSUAL = [
    "Tom's \"open-door\" approach & <i>careful</i> matching; 'quotes' kept.",
    "Use </p><script>alert(1)</script> & &amp;amp; &#39; as typed.",
    "Développer l'accès: niño, søster, Øresund, dŵr, tŷ, ŵŷ — £40 – {x} [y] #z",
    "Line one\nline two\n\nparagraph three with a backslash \\ and a tilde ~ and ^caret.",
    "   Padded text with trailing spaces   ",
]


def test_awkward_rationale_and_feedback_appear_word_for_word_in_the_decision_pdf(client):
    def feedback_text(code):
        index = int("".join(c for c in code if c.isdigit()))
        return (
            f"{code} strength: {UNUSUAL[index % len(UNUSUAL)]}",
            f"{code} develop: {UNUSUAL[(index + 2) % len(UNUSUAL)]}",
        )

    application, _ = decide(Panel(), rationale=RATIONALE, feedback_text=feedback_text)
    words = pdf_words(download(client, application))

    assert_shown(RATIONALE, words, "rationale")
    # The layout is the product's business, but no markup typed by the chair may
    # be taken as markup: the tags must appear as text, not vanish.
    assert "<b>not" in words and "bold</b>" in words
    assert "</p><script>x</script>" in words
    for descriptor in application.framework.descriptors.all():
        strengths, areas = feedback_text(descriptor.code)
        assert_shown(strengths, words, f"strengths of {descriptor.code}")
        assert_shown(areas, words, f"areas to develop of {descriptor.code}")


# --- 2. property: any words from letters, digits and punctuation -------------------------------

# Letters and digits (ASCII and the accented Latin letters a UK agency may type,
# including Welsh), ASCII punctuation and symbols, and a few typographic ones.
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "àáâäçèéêëìíîïñòóôöøùúûüýÿßæœÆŒØÅåŵŷŴŶ"
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~£€–—…"
)
LIGATURES = ("ff", "fi", "fl")  # see the module docstring

word = st.text(alphabet=ALPHABET, min_size=1, max_size=20).filter(
    lambda w: not any(pair in w for pair in LIGATURES)
)
paragraph = st.lists(word, min_size=1, max_size=12).map(" ".join)
text = st.lists(paragraph, min_size=1, max_size=3).map("\n\n".join)


def test_any_words_the_chair_types_appear_in_the_decision_pdf(client):
    panel = Panel()
    application, first = decide(
        panel, rationale="First reasons.", feedback_text=lambda code: ("Start.", "Start.")
    )
    current = {"decision": first}
    codes = [d.code for d in application.framework.descriptors.order_by("number")]

    @settings(
        max_examples=25,
        deadline=None,
        database=None,  # keep no example database in the repository
        # Each example renders a PDF: shrinking a failure can take minutes, and
        # the unshrunk failing input is reported anyway.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(rationale=text, strengths=text, areas=text)
    def check(rationale, strengths, areas):
        # A marker word first, so the drawn words are looked for where the field
        # is shown, not anywhere in the PDF.
        rationale, strengths, areas = (
            f"Rationalezq {rationale}",
            f"Strengthszq {strengths}",
            f"Areaszq {areas}",
        )
        # A correction is the chair recording the decision afresh; the agency's
        # PDF shows the current decision.
        current["decision"] = correct_decision(
            actor=panel.chair.user,
            decision=current["decision"],
            outcome=current["decision"].outcome,
            rationale=rationale,
            feedback=feedback_for(
                application,
                lambda code: (strengths, areas) if code == codes[0] else ("Other.", "Other."),
            ),
            correction_reason="Corrected wording.",
        )
        words = pdf_words(download(client, application))
        assert_shown(rationale, words, "rationale")
        assert_shown(strengths, words, f"strengths of {codes[0]}")
        assert_shown(areas, words, f"areas to develop of {codes[0]}")

    check()


# --- 3. the certificate shows the agency's name exactly ---------------------------------------

AGENCY_NAMES = [
    "St John's Adoption & Fostering (North)",
    "Adopt Cymru – Gwasanaeth Mabwysiadu Ŵyrion Tŷ [Pilot]",
    "Agence Héloïse & Søren <Trust> {2024} Ltd.",
    'The "Better Lives" Partnership @ Køge / Niño',
]


def test_the_certificate_shows_an_unusual_agency_name_exactly():
    award = Panel().award(agency=AgencyFactory(name=AGENCY_NAMES[0]))
    for name in AGENCY_NAMES:
        award.agency.name = name
        award.agency.save(update_fields=["name"])
        words = pdf_words(render_certificate_pdf(award))
        assert_shown(name, words, "agency name on the certificate")
