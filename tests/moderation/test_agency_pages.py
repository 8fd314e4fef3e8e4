"""The agency's side of moderation: answering an information request with text
and documents, and reading (and downloading) the panel's decision."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models.evidence import EvidenceFile
from moderation.models.workflow import InformationRequest, Recommendation
from moderation.selectors.workflow import information_requests_of
from moderation.services.information import request_information
from qualitymark.audit.models import AuditEvent
from tests.applications.evidence_support import text_pdf
from tests.factories import MembershipFactory

from .builders import chair, screened_application, staff_user
from .test_panel_pages import (
    decided_application,
    decision_post,
    error_summary,
    field_error,
    login,
    page,
    submit_ratings,
    text_of,
)

pytestmark = pytest.mark.django_db


# --- information requests ------------------------------------------------------------------------


@pytest.fixture
def asked():
    """An application in review whose lead moderator has asked two questions."""
    application, assignments = screened_application()
    descriptors = application.framework.descriptors
    request = request_information(
        actor=assignments[0].moderator.user,
        application=application,
        questions=[
            (descriptors.get(number=3), "How many carers did you approve for early permanence?"),
            (None, "Who chairs your tracking meeting?"),
        ],
        due_on=timezone.localdate() + timedelta(days=14),
    )
    application.refresh_from_db()
    member = MembershipFactory(agency=application.agency, role="member").user
    return application, assignments, request, member


def request_url(application, request):
    return reverse("agency:information_request", args=[application.pk, request.pk])


def answers(request, **overrides) -> dict:
    first, second = request.questions.all()
    data = {
        f"answer_{first.pk}": "We approved eleven households last year.",
        f"answer_{second.pk}": "Our head of permanence chairs it monthly.",
    }
    data.update(overrides)
    return data


def pdf_upload(name="carer-numbers.pdf"):
    return SimpleUploadedFile(
        name, text_pdf("Eleven households approved"), content_type="application/pdf"
    )


def test_the_agency_sees_the_request_on_its_dashboard(client, asked):
    application, _, request, member = asked
    tree = page(login(client, member).get(reverse("agency:dashboard")))
    card = tree.get_element_by_id("information-request")
    assert card.xpath(f'.//a[@href="{request_url(application, request)}"]')
    tree = page(client.get(request_url(application, request)))
    text = tree.text_content()
    assert "Q3: How many carers did you approve for early permanence?" in text
    assert "2. Who chairs your tracking meeting?" in text
    assert request.due_on.strftime("%-d %B %Y") in text


def test_the_agency_answers_with_text_and_a_file_and_review_resumes(
    client, asked, django_capture_on_commit_callbacks
):
    application, assignments, request, member = asked
    login(client, member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            request_url(application, request), {**answers(request), "files": [pdf_upload()]}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "in_review"
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.ANSWERED
    assert request.responded_by == member
    evidence = EvidenceFile.objects.get(application=application)
    assert evidence.section_key == request.evidence_section_key == f"info-{request.pk}"
    assert evidence.original_name == "carer-numbers.pdf"

    # The moderators read the answers.
    seen = information_requests_of(application).get(pk=request.pk)
    assert [q.answer for q in seen.questions.all()] == [
        "We approved eleven households last year.",
        "Our head of permanence chairs it monthly.",
    ]

    # Afterwards the page shows what was sent, read-only.
    tree = page(client.get(request_url(application, request)))
    assert not tree.xpath("//textarea")
    assert "We approved eleven households last year." in text_of(tree, "answers")
    assert "carer-numbers.pdf" in text_of(tree, "response-files")
    assert client.post(request_url(application, request), answers(request)).status_code == 302
    assert InformationRequest.objects.get(pk=request.pk).responded_by == member

    # At panel, the chair reads the answers beside the reviews.
    for assignment in assignments:
        submit_ratings(assignment)
    login(client, chair().user)
    tree = page(client.get(reverse("moderation:consolidation", args=[application.pk])))
    information = text_of(tree, "information")
    assert "Our head of permanence chairs it monthly." in information
    assert "carer-numbers.pdf" in information


def test_a_refused_file_is_explained_and_the_typed_answers_are_kept(client, asked):
    application, _, request, member = asked
    login(client, member)
    refused = SimpleUploadedFile("setup.exe", b"MZ\x90\x00binary", content_type="application/x")
    tree = page(
        client.post(request_url(application, request), {**answers(request), "files": [refused]})
    )
    assert "setup.exe" in error_summary(tree)
    first = request.questions.first()
    typed = tree.get_element_by_id(f"id_answer_{first.pk}").text_content()
    assert typed.strip() == "We approved eleven households last year."
    application.refresh_from_db()
    assert application.status == "information_requested"
    assert not EvidenceFile.objects.filter(application=application).exists()


def test_every_question_needs_an_answer(client, asked):
    application, _, request, member = asked
    login(client, member)
    second = request.questions.last()
    tree = page(
        client.post(
            request_url(application, request), answers(request, **{f"answer_{second.pk}": " "})
        )
    )
    assert "Answer this question" in error_summary(tree)
    assert "Answer this question" in field_error(tree, f"answer_{second.pk}")
    application.refresh_from_db()
    assert application.status == "information_requested"
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.OPEN
    assert all(q.answer == "" for q in request.questions.all())


def test_uploading_first_keeps_the_answers_and_sends_nothing(client, asked):
    application, _, request, member = asked
    login(client, member)
    tree = page(
        client.post(
            request_url(application, request),
            {**answers(request), "files": [pdf_upload("policy.pdf")], "upload": "Upload files"},
        )
    )
    assert "policy.pdf" in text_of(tree, "response-files")
    first = request.questions.first()
    assert "eleven households" in tree.get_element_by_id(f"id_answer_{first.pk}").text_content()
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.OPEN

    tree = page(client.post(request_url(application, request), {"upload": "Upload files"}))
    assert "Select a file to upload" in error_summary(tree)


def test_people_outside_the_agency_get_404_on_the_request(client, asked):
    application, assignments, request, _ = asked
    for user in (
        MembershipFactory().user,
        assignments[0].moderator.user,
        staff_user(),
    ):
        login(client, user)
        assert client.get(request_url(application, request)).status_code == 404
        assert client.post(request_url(application, request), answers(request)).status_code == 404
    # A request of another application is not found through this one.
    other, other_assignments = screened_application()
    other_request = request_information(
        actor=other_assignments[0].moderator.user,
        application=other,
        questions=[(None, "Anything else?")],
        due_on=timezone.localdate() + timedelta(days=7),
    )
    login(client, asked[3])
    assert client.get(request_url(application, other_request)).status_code == 404


# --- the decision --------------------------------------------------------------------------------


def decision_url(application):
    return reverse("agency:decision", args=[application.pk])


def decision_pdf_url(application):
    return reverse("agency:decision_pdf", args=[application.pk])


def test_the_agency_reads_the_decision_and_downloads_it_as_a_pdf(client):
    application, decision, _ = decided_application()
    member = MembershipFactory(agency=application.agency, role="member").user
    login(client, member)

    dashboard = page(client.get(reverse("agency:dashboard")))
    link = dashboard.get_element_by_id(f"decision-{application.pk}")
    assert link.xpath(f'.//a[@href="{decision_url(application)}"]')

    tree = page(client.get(decision_url(application)))
    assert text_of(tree, "outcome").startswith("Full")
    assert "Every descriptor is well evidenced." in text_of(tree, "rationale")
    assert "The panel asks for more on Q4." in text_of(tree, "feedback-Q4")
    assert not tree.xpath('//*[@id="correction"]')
    assert "departed" not in tree.text_content()

    response = client.get(decision_pdf_url(application))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert f"{application.reference}-decision.pdf" in response["Content-Disposition"]
    text = " ".join(
        " ".join(page_.extract_text().split())
        for page_ in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Full" in text
    assert application.agency.name in text
    assert "The panel praises Q7." in text
    event = AuditEvent.objects.get(action="decision.pdf_downloaded")
    assert event.changes["decision"] == decision.pk


def test_a_not_awarded_decision_and_a_correction_are_shown_to_the_agency(client):
    application, decision, panel_chair = decided_application(outcome=Recommendation.NOT_AWARDED)
    lead = application.agency.memberships.get(role="lead").user
    login(client, lead)
    assert text_of(page(client.get(decision_url(application))), "outcome").startswith("Not awarded")

    login(client, panel_chair.user)
    client.post(
        reverse("moderation:correct_decision", args=[application.pk]),
        decision_post(
            application,
            outcome=Recommendation.FULL,
            correction_reason="The outcome was recorded in error.",
        ),
    )
    login(client, lead)
    tree = page(client.get(decision_url(application)))
    assert text_of(tree, "outcome").startswith("Full")
    assert "The outcome was recorded in error." in text_of(tree, "correction")
    text = " ".join(
        page_.extract_text()
        for page_ in PdfReader(io.BytesIO(client.get(decision_pdf_url(application)).content)).pages
    )
    assert "recorded in error" in " ".join(text.split())


def test_no_decision_page_before_the_decision_or_outside_the_agency(client):
    application, _ = screened_application()
    lead = application.agency.memberships.get(role="lead").user
    login(client, lead)
    assert client.get(decision_url(application)).status_code == 404
    assert client.get(decision_pdf_url(application)).status_code == 404

    decided, _, _ = decided_application()
    for user in (lead, MembershipFactory().user):
        login(client, user)
        assert client.get(decision_url(decided)).status_code == 404
        assert client.get(decision_pdf_url(decided)).status_code == 404


def test_a_file_sent_by_mistake_can_be_removed_before_the_answers_go(client, asked):
    application, _, request, member = asked
    login(client, member)
    client.post(
        request_url(application, request),
        {**answers(request), "files": [pdf_upload("wrong-file.pdf")], "upload": "Upload files"},
    )
    evidence = EvidenceFile.objects.get(section_key=request.evidence_section_key)
    remove_url = reverse("agency:evidence_remove", args=[application.pk, evidence.pk])
    assert remove_url in client.get(request_url(application, request)).content.decode()

    response = client.post(remove_url)
    assert response.status_code == 302
    assert response["Location"].startswith(request_url(application, request))
    evidence.refresh_from_db()
    assert evidence.removed_at is not None
    assert AuditEvent.objects.filter(action="evidence.removed").exists()

    client.post(request_url(application, request), answers(request))
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.ANSWERED
    sent = EvidenceFile.objects.create(
        application=application,
        section_key=request.evidence_section_key,
        storage_key="test/after",
        original_name="late.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=member,
        scan_status="clean",
    )
    late_remove = reverse("agency:evidence_remove", args=[application.pk, sent.pk])
    assert client.post(late_remove).status_code == 302
    sent.refresh_from_db()
    assert sent.removed_at is None


def test_answers_can_be_saved_and_sent_later_and_moderators_see_only_what_was_sent(client, asked):
    application, assignments, request, member = asked
    login(client, member)
    first, second = request.questions.all()
    draft = {f"answer_{first.pk}": "Eleven households, so far.", "save_draft": "Save"}
    response = client.post(request_url(application, request), draft)
    assert response.status_code == 302
    page_html = client.get(request_url(application, request)).content.decode()
    assert "Eleven households, so far." in page_html

    request.refresh_from_db()
    assert request.status == InformationRequest.Status.OPEN
    exchange = information_requests_of(application).get(pk=request.pk)
    assert [question.answer for question in exchange.questions.all()] == ["", ""]
    client.force_login(assignments[0].moderator.user)
    moderator_page = client.get(reverse("moderation:application", args=[application.pk]))
    assert "Eleven households, so far." not in moderator_page.content.decode()

    login(client, member)
    client.post(request_url(application, request), answers(request))
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.ANSWERED
    first.refresh_from_db()
    assert first.answer == "We approved eleven households last year."
