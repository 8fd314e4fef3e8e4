"""The anonymisation check end to end: identifiers planted in the answers and in uploaded
PDF and Word documents are listed per section and per document, block submission until a
lead fixes or confirms each one, and the agency's own contact details are never flagged."""

import html
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from pypdf import PdfWriter
from weasyprint import HTML

from applications.models.agencies import AgencyType, PartnershipMember
from applications.models.evidence import IdentifierConfirmation, ScanStatus
from applications.models.submissions import Application, SectionAnswer
from applications.selectors import identifiers as selectors
from applications.selectors.submissions import application_overview
from applications.services.evidence import add_evidence_file, check_evidence, remove_evidence_file
from applications.services.submissions import (
    NotReadyToSubmit,
    confirm_not_identifying,
    save_section,
    sign_declaration,
    start_application,
    submit_application,
)
from qualitymark.audit.models import AuditEvent
from tests.factories import AgencyFactory

from .application_data import ABOUT, NARRATIVE, section_answers
from .helpers import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_people_names():
    """Portal users' names are allowed by the check, and the factories pick them at random:
    a user called "Kerry ..." would hide the planted "Kerry". Fixed, the names never vary."""
    import factory.random

    factory.random.reseed_random("identifier-check")


KEYS = ["about", "ep-data", *[f"q{n}" for n in range(1, 8)], "fee"]
NHS_NUMBER = "943 476 5919"  # a valid modulus 11 checksum
WEBSITE = "https://www.westshire-adoption.org.uk/early-permanence"

Q3_PLANTED = (
    "Baby Amelia was placed with her carers when she was four days old. "
    "Her birth mother Kerry came to family time at the contact centre twice a week."
)
Q3_FIXED = (
    "A baby was placed with her carers when she was four days old. "
    "Her birth mother came to family time at the contact centre twice a week."
)
ABOUT_PLANTED_SENTENCE = " One baby, born 12/01/2024, joined her carers soon after."


def own_contacts_sentence(agency) -> str:
    """The agency's published contact details, written the way people write them."""
    return (
        f" Families can e-mail {agency.public_email.upper()} or our duty team at "
        f"duty.team@{agency.email_domain}, or info@westshire-adoption.org.uk, ring "
        "+44 (0)117 496 0999 or our main contact on 0117 4960000, or visit our office "
        "at bs1 6aa. Jo is on jo.ellis@agency.example and Sam on sam.rahman@agency.example."
    )


def docx_bytes(*paragraphs: str, table: list[tuple[str, str]] = ()) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=2)
        for row, (label, value) in zip(grid.rows, table, strict=True):
            row.cells[0].text, row.cells[1].text = label, value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(body_html: str) -> bytes:
    return HTML(string=f"<html><body>{body_html}</body></html>").write_pdf()


def blank_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


DOCX_NAME = "case-study-carers.docx"
PDF_NAME = "tracking-report.pdf"
DOCX = docx_bytes(
    "Case study: a Fostering for Adoption placement",
    table=[
        ("NHS number", NHS_NUMBER),
        ("Home address", "Mill Lane, Bristol BS4 2QQ"),
        ("Case number", "BS24C00456"),
    ],
)
PDF = pdf_bytes(
    "<h1>Tracking report, quarter 2</h1>"
    f"<p>Child: NHS number {NHS_NUMBER}, living at BS5 7HX.</p>"
    "<p>Care proceedings under court case number ZW23C01234 are due to finish in May.</p>"
)


def save(actor, application, key, data, *, completed=True):
    version = (
        SectionAnswer.objects.filter(application=application, key=key)
        .values_list("version", flat=True)
        .first()
        or 0
    )
    return save_section(
        actor=actor,
        application=application,
        key=key,
        data=data,
        state=SectionAnswer.State.COMPLETED if completed else SectionAnswer.State.IN_PROGRESS,
        expected_version=version,
    )


def upload(actor, application, key, name, data, capture):
    content_type = "application/pdf" if name.endswith(".pdf") else "application/octet-stream"
    with capture(execute=True):
        evidence = add_evidence_file(
            actor=actor,
            application=application,
            section_key=key,
            uploaded_file=SimpleUploadedFile(name, data, content_type),
        )
    check_evidence(evidence.pk)  # idempotent: the on_commit task has normally run already
    evidence.refresh_from_db()
    assert evidence.scan_status == ScanStatus.NOT_SCANNED
    return evidence


def sign(actor, application):
    sign_declaration(actor=actor, application=application, name="Pat Lead", role="Head of Service")


def found(application) -> set[tuple[str, str, str, bool]]:
    return {
        (item.source, item.finding.kind, item.finding.text, item.confirmed)
        for item in selectors.identifier_findings(Application.objects.get(pk=application.pk))
    }


def unresolved(application) -> set[tuple[str, str, str]]:
    return {(source, kind, text) for source, kind, text, ok in found(application) if not ok}


def page(client, application) -> str:
    response = client.get(reverse("agency:identifiers", args=[application.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def confirm(client, application, source, kind, text):
    return client.post(
        reverse("agency:identifiers", args=[application.pk]),
        {"source": source, "kind": kind, "text": text},
    )


def tables(page_html: str) -> dict[str, str]:
    """Each findings table's caption, with the table's HTML."""
    result = {}
    for table in re.findall(r"<table class=\"govuk-table\">.*?</table>", page_html, re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S).group(1)
        result[" ".join(caption.split())] = table
    return result


@pytest.fixture
def agency(agency):
    agency.public_phone = "0117 496 0999"
    agency.postcode = "BS1 6AA"
    agency.website = WEBSITE
    agency.save()
    return agency


@pytest.fixture
def application(lead, agency, django_capture_on_commit_callbacks):
    """A complete, declared application with identifiers planted in two sections and in a
    Word document (Q3) and a PDF (Q5)."""
    application = start_application(actor=lead, agency=agency, level_sought="full", kind="new")
    for key in KEYS:
        data = section_answers(key)
        if key == "about":
            data = {
                **ABOUT,
                "service_description": ABOUT["service_description"]
                + ABOUT_PLANTED_SENTENCE
                + own_contacts_sentence(agency),
            }
        elif key == "q3":
            data = {"narrative": Q3_PLANTED}
        save(lead, application, key, data)
    capture = django_capture_on_commit_callbacks
    application.docx = upload(lead, application, "q3", DOCX_NAME, DOCX, capture)
    application.pdf = upload(lead, application, "q5", PDF_NAME, PDF, capture)
    sign(lead, application)
    return application


@pytest.fixture
def expected(application):
    docx, pdf = f"file:{application.docx.pk}", f"file:{application.pdf.pk}"
    return {
        ("about", "date_of_birth", "12/01/2024"),
        ("q3", "person_name", "Amelia"),
        ("q3", "person_name", "Kerry"),
        (docx, "nhs_number", NHS_NUMBER),
        (docx, "postcode", "BS4 2QQ"),
        (docx, "case_reference", "BS24C00456"),
        (pdf, "nhs_number", NHS_NUMBER),
        (pdf, "postcode", "BS5 7HX"),
        (pdf, "case_reference", "ZW23C01234"),
    }


@pytest.fixture
def member_client(client, agency):
    client.force_login(make_member(agency))
    return client


# --- Finding them --------------------------------------------------------------------------


def test_the_planted_identifiers_are_found_and_nothing_else(application, expected):
    # Exactly these: the agency's own e-mails, phones, postcode and domains are not flagged.
    assert unresolved(application) == expected


def test_the_page_lists_findings_per_section_and_per_document(lead_client, application):
    content = page(lead_client, application)
    by_caption = tables(content)
    overview = application_overview(application)
    q3_title, q5_title = overview.row("q3").section.title, overview.row("q5").section.title
    assert q3_title.startswith("Q3") and q5_title.startswith("Q5")
    assert list(by_caption) == [
        "About your agency",
        q3_title,
        f"Document ‘{DOCX_NAME}’, uploaded to {q3_title}",
        f"Document ‘{PDF_NAME}’, uploaded to {q5_title}",
    ]
    about, q3, docx, pdf = by_caption.values()

    # The matched text, what kind of thing it is, and where it is, with the match marked.
    assert "<mark>12/01/2024</mark>" in about and "date of birth" in about
    assert "Your early permanence service:" in about
    assert "One baby, born <mark>12/01/2024</mark>, joined her carers" in about
    assert "Baby <mark>Amelia</mark> was placed with her carers" in q3
    assert "Her birth mother <mark>Kerry</mark> came to family time" in q3
    assert q3.count("personal name") == 2 and "Your evidence:" in q3
    for table, postcode, case in ((docx, "BS4 2QQ", "BS24C00456"), (pdf, "BS5 7HX", "ZW23C01234")):
        assert f"<mark>{NHS_NUMBER}</mark>" in table and "NHS number" in table
        assert f"<mark>{postcode}</mark>" in table and f"<mark>{case}</mark>" in table
        assert "Remove or replace the document" in table and "Change it" not in table
    assert "court case number <mark>ZW23C01234</mark> are due" in pdf

    # "Change it" goes to the right section and field.
    q3_url = reverse("agency:section", args=[application.pk, "q3"])
    assert f'href="{q3_url}#id_narrative"' in q3
    about_url = reverse("agency:section", args=[application.pk, "about"])
    assert f'href="{about_url}#id_service_description"' in about
    assert f'href="{q3_url}#evidence"' in docx

    assert "9 possible identifiers to check before you can submit" in content
    assert content.count("It does not identify anyone") == 9
    # None of the agency's own contact details is listed.
    for own in ("duty.team@", "westshire-adoption", "496 0999", "4960000", "bs1 6aa", "jo.ellis"):
        assert own not in "".join(by_caption.values())


def test_the_change_it_link_targets_a_field_on_the_section_page(lead_client, application):
    section = lead_client.get(reverse("agency:section", args=[application.pk, "q3"]))
    assert 'id="id_narrative"' in section.content.decode()
    section = lead_client.get(reverse("agency:section", args=[application.pk, "about"]))
    assert 'id="id_service_description"' in section.content.decode()
    assert (
        'id="evidence"'
        in lead_client.get(reverse("agency:section", args=[application.pk, "q3"])).content.decode()
    )


def test_the_task_list_shows_how_many_to_check(lead_client, application):
    task_list = lead_client.get(reverse("agency:application", args=[application.pk]))
    assert "9 to check" in task_list.content.decode()


def test_submission_is_refused_while_findings_are_unresolved(
    lead_client, application, django_capture_on_commit_callbacks
):
    url = reverse("agency:check_answers", args=[application.pk])
    problem = "Deal with the 9 possible identifiers found in your evidence"
    assert problem in lead_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(url)
    assert response.status_code == 200
    assert problem in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"
    assert application.reference is None
    with pytest.raises(NotReadyToSubmit):
        submit_application(actor=application.created_by, application=application)


# --- Who may confirm -----------------------------------------------------------------------


def test_a_member_sees_the_findings_but_cannot_confirm(member_client, application):
    content = page(member_client, application)
    assert "<mark>Kerry</mark>" in content and f"<mark>{NHS_NUMBER}</mark>" in content
    assert "It does not identify anyone" not in content
    assert "Only an agency lead can confirm" in content
    assert "Change it" in content  # members can still fix the text

    response = confirm(member_client, application, "q3", "person_name", "Kerry")
    assert response.status_code == 404
    assert not IdentifierConfirmation.objects.exists()
    assert ("q3", "person_name", "Kerry") in unresolved(application)


def test_someone_from_another_agency_gets_404(client, application):
    from .helpers import make_lead

    client.force_login(make_lead())
    assert client.get(reverse("agency:identifiers", args=[application.pk])).status_code == 404
    response = confirm(client, application, "q3", "person_name", "Kerry")
    assert response.status_code == 404
    assert not IdentifierConfirmation.objects.exists()


def test_a_lead_confirms_a_finding_and_it_is_recorded(lead_client, lead, application):
    response = confirm(lead_client, application, "q3", "person_name", "Kerry")
    assert response.status_code == 302
    assert response["Location"] == reverse("agency:identifiers", args=[application.pk])

    confirmation = IdentifierConfirmation.objects.get()
    assert (confirmation.application, confirmation.source, confirmation.kind) == (
        application,
        "q3",
        "person_name",
    )
    assert confirmation.text == "Kerry"
    assert confirmation.confirmed_by == lead and confirmation.confirmed_at is not None
    event = AuditEvent.objects.get(action="application.identifier_confirmed")
    assert event.actor == lead and event.target_id == str(application.pk)
    assert event.changes == {"source": "q3", "kind": "person_name", "text": "Kerry"}

    assert ("q3", "person_name", "Kerry", True) in found(application)
    content = page(lead_client, application)
    q3 = next(table for caption, table in tables(content).items() if caption.startswith("Q3"))
    kerry_row = next(row for row in q3.split("<tr") if "<mark>Kerry</mark>" in row)
    assert "Confirmed not identifying" in kerry_row
    assert f"By {lead}" in kerry_row
    assert "It does not identify anyone" not in kerry_row
    assert "8 possible identifiers to check" in content
    task_list = lead_client.get(reverse("agency:application", args=[application.pk]))
    assert "8 to check" in task_list.content.decode()

    # Confirming again changes nothing and records nothing new.
    confirm(lead_client, application, "q3", "person_name", "Kerry")
    assert IdentifierConfirmation.objects.count() == 1
    assert AuditEvent.objects.filter(action="application.identifier_confirmed").count() == 1


def test_a_confirmation_is_tied_to_its_section_or_document(lead_client, lead, application):
    confirm(lead_client, application, "q3", "person_name", "Kerry")
    confirm(lead_client, application, f"file:{application.docx.pk}", "nhs_number", NHS_NUMBER)
    save(lead, application, "q4", {"narrative": f"{NARRATIVE} The birth mother Kerry agreed."})

    still_open = unresolved(application)
    assert ("q4", "person_name", "Kerry") in still_open
    assert ("q3", "person_name", "Kerry") not in still_open
    # The same NHS number in another document is still flagged.
    assert (f"file:{application.pdf.pk}", "nhs_number", NHS_NUMBER) in still_open
    assert (f"file:{application.docx.pk}", "nhs_number", NHS_NUMBER) not in still_open


def test_fixing_the_text_makes_the_finding_disappear(lead_client, application):
    url = reverse("agency:section", args=[application.pk, "q3"])
    response = lead_client.post(
        url, {"narrative": Q3_FIXED, "version": 1, "completed": "yes", "save": "Save"}
    )
    assert response.status_code == 302
    sources = {source for source, _, _ in unresolved(application)}
    assert "q3" not in sources
    assert "Amelia" not in page(lead_client, application)


def test_removing_a_document_removes_its_findings(lead, application):
    remove_evidence_file(actor=lead, evidence=application.docx)
    assert not any(
        source == f"file:{application.docx.pk}" for source, _, _ in unresolved(application)
    )


def test_once_everything_is_fixed_or_confirmed_the_application_can_be_submitted(
    lead_client, lead, application, expected, django_capture_on_commit_callbacks
):
    save(lead, application, "q3", {"narrative": Q3_FIXED})
    save(
        lead,
        application,
        "about",
        {
            **ABOUT,
            "service_description": ABOUT["service_description"]
            + own_contacts_sentence(application.agency),
        },
    )
    for source, kind, text in sorted(unresolved(application)):
        assert source.startswith("file:")
        assert confirm(lead_client, application, source, kind, text).status_code == 302
    assert unresolved(application) == set()
    assert IdentifierConfirmation.objects.count() == 6

    task_list = lead_client.get(reverse("agency:application", args=[application.pk]))
    assert "to check" not in task_list.content.decode()
    assert "You have dealt with everything we found" in page(lead_client, application)

    sign(lead, application)  # editing sections cleared the declaration
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(reverse("agency:check_answers", args=[application.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.status == "submitted"


def test_confirmations_cannot_be_made_on_a_submitted_application(
    lead_client, lead, application, django_capture_on_commit_callbacks
):
    save(lead, application, "q3", {"narrative": Q3_FIXED})
    save(lead, application, "about", ABOUT)
    for source, kind, text in unresolved(application):
        confirm(lead_client, application, source, kind, text)
    sign(lead, application)
    with django_capture_on_commit_callbacks(execute=True):
        submit_application(actor=lead, application=application)
    count = IdentifierConfirmation.objects.count()
    application.refresh_from_db()

    content = page(lead_client, application)
    assert "It does not identify anyone" not in content and "Change it" not in content
    response = confirm(lead_client, application, "q1", "person_name", "Someone")
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        confirm_not_identifying(
            actor=lead, application=application, source="q1", kind="person_name", text="Other"
        )
    assert IdentifierConfirmation.objects.count() == count


# --- Documents we cannot read ----------------------------------------------------------------


def test_a_document_with_no_text_must_be_checked_by_a_person(
    lead_client, lead, application, django_capture_on_commit_callbacks
):
    scan = upload(
        lead,
        application,
        "q6",
        "signed-letter.pdf",
        blank_pdf_bytes(),
        django_capture_on_commit_callbacks,
    )
    source = f"file:{scan.pk}"
    assert (source, selectors.UNREADABLE_DOCUMENT, "signed-letter.pdf") in unresolved(application)
    content = page(lead_client, application)
    assert "We could not read all of this document" in content
    assert "I have checked it: it does not identify anyone" in content

    confirm(lead_client, application, source, selectors.UNREADABLE_DOCUMENT, "signed-letter.pdf")
    assert not any(item[0] == source for item in unresolved(application))


def test_a_page_without_text_in_a_document_must_be_checked_by_a_person(
    lead, application, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes("<p>Our tracking meeting is monthly.</p>"))).pages:
        writer.add_page(page)
    writer.add_blank_page(width=595, height=842)  # a scanned letter, say
    buffer = io.BytesIO()
    writer.write(buffer)
    mixed = upload(
        lead, application, "q6", "report.pdf", buffer.getvalue(), django_capture_on_commit_callbacks
    )
    assert "Our tracking meeting is monthly." in mixed.extracted_text
    source = f"file:{mixed.pk}"
    assert (source, selectors.UNREADABLE_DOCUMENT, "report.pdf") in unresolved(application)


def test_pictures_must_be_checked_by_a_person(
    lead, application, django_capture_on_commit_callbacks
):
    from tests.files.samples import image_bytes

    picture = upload(
        lead,
        application,
        "q6",
        "poster.png",
        image_bytes("PNG"),
        django_capture_on_commit_callbacks,
    )
    source = f"file:{picture.pk}"
    assert (source, selectors.UNREADABLE_DOCUMENT, "poster.png") in unresolved(application)


def test_a_file_name_is_checked_too(
    lead_client, lead, application, django_capture_on_commit_callbacks
):
    named = upload(
        lead,
        application,
        "q6",
        "Amelia_Jones_case_study.txt",
        b"A case study with nothing identifying in it.",
        django_capture_on_commit_callbacks,
    )
    assert (f"file:{named.pk}", "person_name", "Amelia Jones") in unresolved(application)
    assert "Amelia Jones" in page(lead_client, application)


# --- The agency's own details ----------------------------------------------------------------


def test_the_agencys_own_contact_details_are_allowed(application):
    allowed = selectors._allowed_contacts(application, ABOUT)
    assert allowed == {
        "allowed_emails": [
            "adoption@example-agency.gov.uk",
            "jo.ellis@agency.example",
            "sam.rahman@agency.example",
        ],
        "allowed_domains": sorted({application.agency.email_domain, "westshire-adoption.org.uk"}),
        "allowed_phones": sorted({"0117 496 0000", "0117 496 0999"}),
        "allowed_postcodes": ["BS1 6AA"],
        # The contacts named in "About your agency", and the agency's portal users.
        "allowed_names": sorted(
            {
                "Jo Ellis",
                "Sam Rahman",
                *(m.user.full_name for m in application.agency.memberships.all()),
            }
        ),
    }


def test_a_partnerships_member_agencies_contact_details_are_allowed(lead, framework):
    partnership = AgencyFactory(agency_type=AgencyType.PARTNERSHIP, public_email="", website="")
    members = [
        AgencyFactory(public_email="adopt@north.example", postcode="LS1 4AP"),
        AgencyFactory(website="http://south-adoption.example:8080/", public_phone="0113 496 0111"),
    ]
    for member in members:
        PartnershipMember.objects.create(partnership=partnership, member=member)
    application = Application(agency=partnership)
    allowed = selectors._allowed_contacts(application, {})
    assert "adopt@north.example" in allowed["allowed_emails"]
    assert "south-adoption.example" in allowed["allowed_domains"]
    assert {members[0].email_domain, members[1].email_domain} <= set(allowed["allowed_domains"])
    assert allowed["allowed_phones"] == ["0113 496 0111"]
    assert allowed["allowed_postcodes"] == ["LS1 4AP"]


# --- Context ------------------------------------------------------------------------------------


def test_context_is_cut_at_whole_words_on_one_line():
    from applications.anonymisation import find_identifiers

    text = "Alpha bravo charlie delta echo foxtrot golf.\nThe birth mother Kerry came to\nvisit."
    finding = next(found for found in find_identifiers(text) if found.text == "Kerry")
    before, after = selectors._context(text, finding, width=20)
    assert before == "…The birth mother "
    assert after == " came to · visit."
    before, after = selectors._context(text, finding, width=8)
    assert before == "…mother " and after == " came…"


# --- Caching ----------------------------------------------------------------------------------


@pytest.fixture
def scan_counter(monkeypatch):
    calls = []
    real = selectors.find_identifiers

    def counting(text, **allowed):
        calls.append(text)
        return real(text, **allowed)

    monkeypatch.setattr(selectors, "find_identifiers", counting)
    return calls


def test_scans_are_cached_by_content(lead, application, expected, scan_counter):
    from django.core.cache import cache

    cache.clear()  # the background check already warmed it; start cold
    scan_counter.clear()
    assert unresolved(application) == expected
    first = len(scan_counter)
    # Each different text once: About, Q3, the six identical narratives, two documents and
    # their two names.
    assert first == 7
    assert unresolved(application) == expected
    assert len(scan_counter) == first  # nothing scanned again

    save(lead, application, "q3", {"narrative": Q3_FIXED})
    assert unresolved(application) == {item for item in expected if item[0] != "q3"}
    assert scan_counter[first:] == [Q3_FIXED]  # only the changed text


def test_a_change_to_the_agencys_contact_details_invalidates_the_cache(application, expected):
    assert unresolved(application) == expected
    application.agency.postcode = "BS5 7HX"
    application.agency.save()
    assert unresolved(application) == (
        expected - {(f"file:{application.pdf.pk}", "postcode", "BS5 7HX")}
    ) | {("about", "postcode", "bs1 6aa")}


def test_the_cache_holds_no_identifying_text(application, monkeypatch):
    from django.core.cache import cache

    stored = {}
    real_set_many = cache.set_many

    def recording_set_many(data, timeout=None):
        stored.update(data)
        return real_set_many(data, timeout)

    cache.clear()  # the background check already warmed it
    monkeypatch.setattr(cache, "set_many", recording_set_many)
    selectors.identifier_findings(application)
    assert stored
    for key, value in stored.items():
        assert key.startswith(f"{selectors.SCAN_CACHE_PREFIX}:")
        for kind, start, end in value:
            assert isinstance(kind, str) and isinstance(start, int) and isinstance(end, int)
    assert "Kerry" not in repr(stored) and NHS_NUMBER not in repr(stored)


def test_the_check_works_when_the_cache_is_down(application, expected, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("cache is down")

    monkeypatch.setattr(cache, "get_many", broken)
    monkeypatch.setattr(cache, "set_many", broken)
    assert unresolved(application) == expected


def test_identifiers_in_a_documents_form_layout_are_found(
    lead, application, django_capture_on_commit_callbacks
):
    """Text read from a Word table puts each cell on its own line, and a PDF breaks lines
    inside sentences: a label and its value on separate lines are still found."""
    form = docx_bytes(
        "Referral form",
        "Name: Amelia Jones",
        table=[("Date of birth", "12/01/2024"), ("Birth mother:", "Kerry Smith")],
    )
    wrapped = "The youngest child was born on\n3 March 2024 and placed at four days old.\n"
    capture = django_capture_on_commit_callbacks
    docx = upload(lead, application, "q6", "referral-form.docx", form, capture)
    txt = upload(lead, application, "q7", "notes.txt", wrapped.encode(), capture)
    assert {
        (f"file:{docx.pk}", "person_name", "Amelia Jones"),
        (f"file:{docx.pk}", "date_of_birth", "12/01/2024"),
        (f"file:{docx.pk}", "person_name", "Kerry Smith"),
        (f"file:{txt.pk}", "date_of_birth", "3 March 2024"),
    } <= unresolved(application)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date of birth\n12/01/2024", [("date_of_birth", "12/01/2024")]),
        ("DOB:\n12 January 2024", [("date_of_birth", "12 January 2024")]),
        ("She was born on\n3 March 2024 at home.", [("date_of_birth", "3 March 2024")]),
        ("Name: Amelia Jones", [("person_name", "Amelia Jones")]),
        ("Name:\nAmelia Jones", [("person_name", "Amelia Jones")]),
        ("Birth mother: Kerry Smith", [("person_name", "Kerry Smith")]),
        ("Mother:\nKerry", [("person_name", "Kerry")]),
        # A blank line ends the paragraph; labels naming things are not people.
        ("Babies born\n\n3 March 2024 was the day our new team started.", []),
        ("Name: Sunflower Project", []),
        ("Team name: Pathways", []),
        ("Birth mother: Yes", []),
    ],
)
def test_labels_and_values_on_separate_lines(text, expected):
    from applications.anonymisation import find_identifiers

    assert [(item.kind, item.text) for item in find_identifiers(text)] == expected
