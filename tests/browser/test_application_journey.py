"""An agency lead applies for the Quality Mark from start to finish in a real browser."""

import re

import pytest
from weasyprint import HTML

from applications.models.evidence import EvidenceFile
from applications.models.submissions import Application
from descriptors.services import ensure_working_framework
from tests.applications.application_data import ABOUT, EP_DATA, FEE, NARRATIVE
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCUMENT_NAME = "tracking-meeting-terms.pdf"
DESCRIPTOR_KEYS = [f"q{number}" for number in range(1, 8)]


def small_pdf() -> bytes:
    return HTML(
        string="<h1>Tracking meeting</h1><p>Terms of reference for the monthly early "
        "permanence tracking meeting.</p>"
    ).write_pdf()


def open_section(page, key):
    page.locator(f"a.govuk-task-list__link[href$='/sections/{key}/']").click()
    page.wait_for_url(f"**/sections/{key}/")


def fill_fields(page, answers: dict):
    for name, value in answers.items():
        page.locator(f"[name='{name}']").fill(str(value))


def complete_and_continue(page):
    page.get_by_label("Yes, I've completed this section").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    problems = page.locator(".govuk-error-summary")
    assert problems.count() == 0, problems.first.inner_text()
    assert re.search(r"/agency/applications/\d+/(#.*)?$", page.url), page.url


def test_a_lead_completes_and_submits_an_application_in_the_browser(page, sign_in, checks):
    ensure_working_framework()
    lead = MembershipFactory(
        role="lead", agency__public_email="adoption@example-agency.gov.uk"
    ).user
    agency = lead.memberships.get().agency

    sign_in(page, lead)
    page.goto(f"/agency/{agency.slug}/")
    page.get_by_role("link", name="Start an application").click()
    page.get_by_label("New application").check()
    page.get_by_label("Full", exact=True).check()
    page.get_by_role("button", name="Start application").click()
    page.wait_for_url(re.compile(r"/agency/applications/\d+/$"))
    application = Application.objects.get(agency=agency)
    assert page.get_by_text("You have completed 0 of 10 sections.").is_visible()

    open_section(page, "about")
    fill_fields(page, ABOUT)
    complete_and_continue(page)

    open_section(page, "ep-data")
    fill_fields(page, EP_DATA)
    complete_and_continue(page)

    for key in DESCRIPTOR_KEYS:
        open_section(page, key)
        fill_fields(page, {"narrative": NARRATIVE})
        if key == "q2":
            page.get_by_label("Add a supporting document").set_input_files(
                {"name": DOCUMENT_NAME, "mimeType": "application/pdf", "buffer": small_pdf()}
            )
            page.get_by_role("button", name="Upload file").click()
            page.wait_for_url("**/sections/q2/#evidence")
            assert page.get_by_text(f"Uploaded {DOCUMENT_NAME}.").is_visible()
            evidence = page.locator("#evidence + dl")
            assert evidence.get_by_role("link", name=DOCUMENT_NAME, exact=True).is_visible()
            # The narrative was saved with the upload and is still in the form.
            assert page.locator("[name='narrative']").input_value().strip() == NARRATIVE
        complete_and_continue(page)

    open_section(page, "fee")
    fill_fields(page, FEE)
    complete_and_continue(page)

    assert page.get_by_text("You have completed all 10 sections.", exact=False).is_visible()

    page.get_by_role("link", name="Declaration").click()
    page.get_by_label("Your full name").fill("Pat Lead")
    page.get_by_label("Your job title").fill("Head of Service")
    page.get_by_label("I confirm that the information in this application is accurate").check()
    page.get_by_label("I confirm that this application, including every supporting").check()
    page.get_by_role("button", name="Sign the declaration").click()
    page.wait_for_url("**/check/")

    assert page.get_by_role("heading", level=1).inner_text().startswith("Check your answers")
    assert page.get_by_text("Before you can submit").count() == 0
    assert page.get_by_role("link", name=DOCUMENT_NAME).is_visible()
    page.get_by_role("button", name="Submit application").click()
    page.wait_for_url("**/submitted/")

    panel = page.locator(".govuk-panel--confirmation")
    assert panel.get_by_role("heading", level=1).inner_text() == "Application submitted"
    reference = panel.locator("strong").inner_text()
    assert re.fullmatch(r"EPQM-\d{4}-\d{4}", reference)

    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.reference == reference
    assert application.declaration_name == "Pat Lead"
    assert EvidenceFile.objects.get(application=application).original_name == DOCUMENT_NAME

    # The submitted application can be downloaded as a PDF.
    page.get_by_role("link", name="View your submitted application").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    assert download_info.value.suggested_filename == f"{reference}.pdf"

    checks.no_csp_violations(page)
    checks.no_script_failures(page)
