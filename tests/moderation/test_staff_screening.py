"""Coram staff's screening pages: the queue, the list of applications, the
application page, fee, eligibility, accept, return and file downloads."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from applications.models.evidence import EvidenceFile, ScanStatus
from moderation.models.workflow import Assignment, Screening
from moderation.services.assignments import assign_moderator, default_due_date
from moderation.services.screening import (
    record_eligibility,
    record_fee_paid,
    return_to_agency,
    waive_fee,
)
from qualitymark.audit.models import AuditEvent
from qualitymark.files.storage import store_private_file

from .builders import moderator, screened_application, staff_user, submitted_application
from .pages import date_fields, text_of, url
from .pages import error_texts as errors

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


# --- Who may open the pages -------------------------------------------------------------------


def staff_urls(application, assignment) -> list[str]:
    return [
        reverse("staff:screening"),
        reverse("staff:application_list"),
        url("application", application),
        url("fee", application),
        url("eligibility", application),
        url("assign", application),
        url("assignment", application, assignment.pk),
        url("assignment_remove", application, assignment.pk),
        url("accept", application),
        url("return", application),
        url("reviews", application),
        url("open_panel", application),
        url("request_information", application),
    ]


def test_every_page_is_404_for_agency_people_and_moderators(client):
    application = submitted_application()
    staff = staff_user()
    assigned = moderator()
    assignment = assign_moderator(
        actor=staff, application=application, moderator=assigned, role="lead"
    )
    lead = application.agency.memberships.get(role="lead").user
    for person in (lead, assigned.user, moderator().user):
        client.force_login(person)
        for page in staff_urls(application, assignment):
            assert client.get(page).status_code == 404, (page, person)
            assert client.post(page, {"reason": "x"}).status_code == 404, (page, person)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert Assignment.objects.filter(removed_at__isnull=True).count() == 1


def test_every_page_opens_for_staff(staff_client, staff):
    application = submitted_application()
    assignment = assign_moderator(
        actor=staff, application=application, moderator=moderator(), role="lead"
    )
    in_review, assignments = screened_application(staff=staff)
    review_pages = {url(name, in_review) for name in ("reviews", "open_panel")}
    review_pages.add(url("request_information", in_review))
    screening_pages = set(staff_urls(application, assignment)) - {
        url("open_panel", application)  # only for an application in review
    }
    for page in sorted(screening_pages | review_pages):
        assert staff_client.get(page).status_code == 200, page
    for page in staff_urls(in_review, assignments[0]):
        assert staff_client.get(page).status_code in (200, 302), page


def test_an_application_that_is_still_a_draft_is_not_found(staff_client, application, staff):
    return_to_agency(actor=staff, application=application, reason="Add the 2025 data.")
    assert staff_client.get(url("application", application)).status_code == 404


def test_the_staff_home_links_to_screening_applications_and_panel_meetings(staff_client):
    html = staff_client.get(reverse("staff:home")).content.decode()
    for name in ("staff:screening", "staff:application_list", "staff:meetings"):
        assert reverse(name) in html


# --- The screening queue and the list of applications ----------------------------------------


def test_the_screening_queue_lists_submitted_applications_oldest_first(staff_client, staff):
    older = submitted_application()
    newer = submitted_application()
    screened, _ = screened_application(staff=staff)
    record_fee_paid(actor=staff, application=newer, paid_on=TODAY(), invoice_number="INV-77")
    assign_moderator(actor=staff, application=newer, moderator=moderator(), role="lead")

    response = staff_client.get(reverse("staff:screening"))

    html = response.content.decode()
    assert html.index(older.reference) < html.index(newer.reference)
    assert screened.reference not in html
    assert older.agency.name in html and older.agency.get_region_display() in html
    rows = lxml_html.fromstring(html).xpath("//tbody/tr")
    assert len(rows) == 2
    cells = [" ".join(cell.text_content().split()) for cell in rows[1].xpath("td")]
    assert cells[1] == newer.reference
    assert cells[3] == "Paid"
    assert cells[4] == "Not checked"
    assert cells[5] == "1"
    assert [" ".join(c.text_content().split()) for c in rows[0].xpath("td")][3] == (
        "Awaiting payment"
    )


def test_the_application_list_shows_every_submitted_application_and_filters_by_status(
    staff_client, staff
):
    waiting = submitted_application()
    in_review, _ = screened_application(staff=staff)

    html = staff_client.get(reverse("staff:application_list")).content.decode()
    assert waiting.reference in html and in_review.reference in html
    assert "In review (1)" in html and "Submitted (1)" in html

    filtered = staff_client.get(reverse("staff:application_list"), {"status": "in_review"})
    html = filtered.content.decode()
    assert in_review.reference in html and waiting.reference not in html
    row = lxml_html.fromstring(html).xpath("//tbody/tr")[0]
    cells = [" ".join(cell.text_content().split()) for cell in row.xpath("td")]
    assert cells[-2:] == ["2", "0"]


def test_the_application_list_sorts_by_a_column(staff_client):
    first = submitted_application()
    second = submitted_application()
    html = staff_client.get(reverse("staff:application_list")).content.decode()
    assert html.index(second.reference) < html.index(first.reference)  # newest first
    html = staff_client.get(reverse("staff:application_list"), {"sort": "submitted"}).content
    html = html.decode()
    assert html.index(first.reference) < html.index(second.reference)
    assert 'aria-sort="ascending"' in html


# --- The application page --------------------------------------------------------------------


def test_the_application_page_shows_screening_moderators_and_content(staff_client, application):
    response = staff_client.get(url("application", application))
    assert response.status_code == 200
    page = text_of(response)
    assert application.reference in page
    assert application.agency.name in page
    assert "Awaiting payment" in page and "Not checked" in page
    assert "Record the fee as paid or waived" in page
    assert "Assign at least 2 moderators" in page
    assert "Quality descriptor" in page or "Q1" in page
    html = response.content.decode()
    assert url("fee", application) in html and url("eligibility", application) in html
    assert url("accept", application) in html and url("return", application) in html


def test_the_application_page_offers_a_suggestion_that_assigns_in_one_click(
    staff_client, application, django_capture_on_commit_callbacks
):
    first, second = moderator(expertise=["practice"]), moderator(expertise=["legal"])
    tree = lxml_html.fromstring(staff_client.get(url("application", application)).content)
    buttons = tree.xpath("//*[@id='suggestion']//button")
    labels = [" ".join(button.text_content().split()) for button in buttons]
    assert any(label.startswith("Assign as lead") for label in labels)
    assert any(label.startswith("Assign as second") for label in labels)

    # Submit the first suggestion's form as a browser would, pressing "Assign as lead".
    form = tree.xpath("//*[@id='suggestion']//form")[0]
    data = {field.get("name"): field.get("value") for field in form.xpath(".//input")}
    data["role"] = "lead"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(form.get("action"), data)
    assert response.status_code == 302

    assignment = Assignment.objects.get(application=application)
    assert assignment.role == "lead"
    assert assignment.moderator in (first, second)
    assert assignment.due_on == default_due_date()
    assert [message.to for message in mail.outbox] == [[assignment.moderator.user.email]]


# --- Fee and eligibility ---------------------------------------------------------------------


def test_staff_record_the_fee_as_paid(staff_client, application, staff):
    response = staff_client.post(
        url("fee", application),
        {
            "fee_status": "paid",
            "invoice_number": " INV-2026-12 ",
            **date_fields("paid_on", TODAY()),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("application", application)
    screening = Screening.objects.get(application=application)
    assert screening.fee_status == "paid"
    assert screening.fee_paid_on == TODAY()
    assert screening.invoice_number == "INV-2026-12"
    event = AuditEvent.objects.get(action="screening.fee_paid")
    assert event.actor == staff
    assert event.changes["invoice_number"] == ["", "INV-2026-12"]


def test_staff_waive_the_fee(staff_client, application):
    response = staff_client.post(
        url("fee", application), {"fee_status": "waived", "reason": "Pilot agency."}
    )
    assert response.status_code == 302
    screening = Screening.objects.get(application=application)
    assert (screening.fee_status, screening.fee_waiver_reason) == ("waived", "Pilot agency.")
    assert AuditEvent.objects.filter(action="screening.fee_waived").exists()


def test_the_fee_form_shows_what_is_missing(staff_client, application):
    response = staff_client.post(url("fee", application), {})
    summary, beside = errors(response)
    assert summary == ["Select whether the fee has been paid or waived"]
    assert beside["fee_status"] == ["Select whether the fee has been paid or waived"]

    response = staff_client.post(url("fee", application), {"fee_status": "paid"})
    summary, beside = errors(response)
    assert "Enter the date the payment was received" in summary
    assert "Enter the invoice number" in summary
    assert beside["invoice_number"] == ["Enter the invoice number"]

    future = TODAY() + timedelta(days=3)
    response = staff_client.post(
        url("fee", application),
        {"fee_status": "paid", "invoice_number": "INV-1", **date_fields("paid_on", future)},
    )
    assert "The date the payment was received must be in the past" in errors(response)[0]

    response = staff_client.post(url("fee", application), {"fee_status": "waived", "reason": " "})
    summary, beside = errors(response)
    assert summary == ["Enter why the fee is waived"]
    assert beside["reason"] == ["Enter why the fee is waived"]
    assert not Screening.objects.filter(application=application).exists()


def test_the_fee_page_shows_what_was_recorded_before(staff_client, application, staff):
    waive_fee(actor=staff, application=application, reason="Charity partner.")
    tree = lxml_html.fromstring(staff_client.get(url("fee", application)).content)
    assert tree.xpath("//input[@name='fee_status'][@checked]/@value") == ["waived"]
    assert tree.xpath("//textarea[@name='reason']")[0].text_content().strip() == (
        "Charity partner."
    )


def test_staff_confirm_eligibility(staff_client, application, staff):
    response = staff_client.post(
        url("eligibility", application), {"eligible": "yes", "notes": "Ofsted URN checked."}
    )
    assert response.status_code == 302
    screening = Screening.objects.get(application=application)
    assert screening.eligibility_confirmed
    assert screening.eligibility_notes == "Ofsted URN checked."
    assert AuditEvent.objects.get(action="screening.eligibility_recorded").actor == staff


def test_an_agency_found_not_eligible_needs_a_note(staff_client, application):
    response = staff_client.post(url("eligibility", application), {"eligible": "no"})
    summary, beside = errors(response)
    assert summary == ["Say why the agency is not eligible, or not yet"]
    assert beside["notes"] == summary

    response = staff_client.post(url("eligibility", application), {})
    assert errors(response)[0] == ["Select whether the agency is eligible"]

    staff_client.post(url("eligibility", application), {"eligible": "no", "notes": "In Wales."})
    screening = Screening.objects.get(application=application)
    assert not screening.eligibility_confirmed
    assert "Not eligible" in text_of(staff_client.get(url("application", application)))


def test_screening_pages_close_once_the_application_is_accepted(staff_client, staff):
    application, _ = screened_application(staff=staff)
    for name in ("fee", "eligibility", "accept", "return"):
        response = staff_client.get(url(name, application))
        assert response.status_code == 302
        assert response["Location"] == url("application", application)
    response = staff_client.post(url("return", application), {"reason": "Too late"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "in_review"


# --- Accept or return ------------------------------------------------------------------------


def test_accept_lists_what_is_missing_and_refuses(staff_client, application):
    page = text_of(staff_client.get(url("accept", application)))
    assert "Record the fee as paid or waived" in page
    assert "Confirm that the agency is eligible" in page
    assert "Choose a lead moderator" in page

    response = staff_client.post(url("accept", application))
    assert response.status_code == 200
    summary, _ = errors(response)
    assert "Record the fee as paid or waived" in summary
    assert "Assign at least 2 moderators" in summary
    application.refresh_from_db()
    assert application.status == "submitted"


def test_staff_accept_a_screened_application(
    staff_client, application, staff, django_capture_on_commit_callbacks
):
    record_fee_paid(actor=staff, application=application, paid_on=TODAY(), invoice_number="INV-3")
    record_eligibility(actor=staff, application=application, eligible=True)
    lead, second = moderator(), moderator()
    assign_moderator(actor=staff, application=application, moderator=lead, role="lead")
    assign_moderator(actor=staff, application=application, moderator=second, role="second")
    mail.outbox.clear()

    page = text_of(staff_client.get(url("accept", application)))
    assert lead.user.get_full_name() in page and "Accept for moderation" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url("accept", application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "in_review"
    assert AuditEvent.objects.get(action="application.accept_for_moderation").actor == staff
    recipients = {address for message in mail.outbox for address in message.to}
    assert {lead.user.email, second.user.email} <= recipients


def test_return_needs_a_reason(staff_client, application):
    response = staff_client.post(url("return", application), {"reason": "  "})
    summary, beside = errors(response)
    assert summary == ["Enter what the agency needs to change"]
    assert beside["reason"] == summary
    application.refresh_from_db()
    assert application.status == "submitted"


def test_staff_return_an_application_and_the_agency_is_told_after_commit(
    staff_client, application, staff, django_capture_on_commit_callbacks
):
    lead = application.agency.memberships.get(role="lead").user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(
            url("return", application), {"reason": "Please add your 2025 timeliness data."}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:screening")
    assert mail.outbox == []  # nothing is sent before the change commits
    for callback in callbacks:
        callback()

    application.refresh_from_db()
    assert application.status == "draft"
    assert not application.is_locked and not application.is_declared
    event = AuditEvent.objects.get(action="application.return_to_agency")
    assert event.actor == staff
    assert event.changes["reason"] == "Please add your 2025 timeliness data."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [lead.email]
    assert "Please add your 2025 timeliness data." in mail.outbox[0].body


# --- Files -------------------------------------------------------------------------------------


def stored_evidence(application, *, scan_status=ScanStatus.CLEAN, section_key="q1"):
    data = b"Our early permanence tracking policy.\n"
    stored = store_private_file(
        SimpleUploadedFile("policy.txt", data), prefix=f"evidence/{application.pk}"
    )
    return EvidenceFile.objects.create(
        application=application,
        section_key=section_key,
        storage_key=stored.key,
        original_name="policy.txt",
        kind="txt",
        content_type="text/plain",
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=application.created_by,
        scan_status=scan_status,
    )


def test_staff_download_a_file_and_the_download_is_audited(staff_client, application, staff):
    evidence = stored_evidence(application)
    page = staff_client.get(url("application", application)).content.decode()
    download = url("evidence_download", application, evidence.pk)
    assert download in page

    response = staff_client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Our early permanence tracking policy.\n"
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="evidence.downloaded")
    assert event.actor == staff and event.changes["file"] == evidence.pk


def test_files_not_yet_checked_or_of_another_application_are_not_found(staff_client, staff):
    application = submitted_application()
    other = submitted_application()
    pending = stored_evidence(application, scan_status=ScanStatus.PENDING)
    elsewhere = stored_evidence(other)
    page = staff_client.get(url("application", application)).content.decode()
    assert url("evidence_download", application, pending.pk) not in page
    assert "Being checked for viruses" in page
    assert staff_client.get(url("evidence_download", application, pending.pk)).status_code == 404
    assert staff_client.get(url("evidence_download", application, elsewhere.pk)).status_code == 404
    assert not AuditEvent.objects.filter(action="evidence.downloaded").exists()


def test_evidence_download_is_404_for_people_who_are_not_staff(client, application):
    evidence = stored_evidence(application)
    for person in (application.agency.memberships.get(role="lead").user, moderator().user):
        client.force_login(person)
        assert client.get(url("evidence_download", application, evidence.pk)).status_code == 404
    assert not AuditEvent.objects.filter(action="evidence.downloaded").exists()


# --- Queries -----------------------------------------------------------------------------------


def _applications(count: int, staff) -> list:
    applications = []
    for index in range(count):
        application = submitted_application()
        if index % 2:
            record_fee_paid(
                actor=staff, application=application, paid_on=TODAY(), invoice_number="INV"
            )
        applications.append(application)
    return applications


@pytest.mark.parametrize("name", ["staff:screening", "staff:application_list"])
def test_lists_run_a_fixed_number_of_queries(
    staff_client, staff, name, django_assert_max_num_queries
):
    _applications(2, staff)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(reverse(name)).status_code == 200
    _applications(8, staff)
    with django_assert_max_num_queries(len(few)):
        response = staff_client.get(reverse(name))
    assert response.content.decode().count('<tr class="govuk-table__row">') == 11
    with django_assert_max_num_queries(12):
        staff_client.get(reverse(name))


def _assign(application, staff, count: int) -> None:
    for _ in range(count):
        assign_moderator(
            actor=staff,
            application=application,
            moderator=moderator(),
            role="lead" if not application.assignments.filter(role="lead").exists() else "second",
        )


def test_the_application_page_runs_a_fixed_number_of_queries(
    staff_client, staff, application, django_assert_max_num_queries
):
    _assign(application, staff, 2)
    stored_evidence(application)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url("application", application)).status_code == 200
    _assign(application, staff, 8)
    for _ in range(5):
        moderator()
    stored_evidence(application, section_key="q2")
    with django_assert_max_num_queries(len(few)):
        response = staff_client.get(url("application", application))
    assert response.content.decode().count("Change due date<span") == 10
    with django_assert_max_num_queries(40):
        staff_client.get(url("application", application))
