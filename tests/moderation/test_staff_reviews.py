"""Coram staff read every review, move an application to panel by hand when
its reviews are all in, and ask the agency for more information."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from moderation.models.workflow import InformationQuestion, InformationRequest, Recommendation
from moderation.ratings import Rating
from moderation.services.assignments import remove_assignment
from moderation.services.information import request_information, respond_to_information_request
from moderation.services.reviews import amend_review, review_for, save_review_draft
from qualitymark.audit.models import AuditEvent
from tests.factories import ModeratorProfileFactory

from .builders import (
    moderator,
    ratings_for,
    screened_application,
    staff_user,
    submit_review,
    submitted_application,
)
from .pages import date_fields, errors, text_of, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


# --- Reviews -----------------------------------------------------------------------------------


def test_staff_see_every_review_including_drafts_and_amendments(staff_client, staff):
    application, assignments = screened_application(staff=staff)
    first, second = assignments
    review = submit_review(
        first, value=Rating.PARTLY_MEETS, recommendation=Recommendation.WORKING_TOWARDS
    )
    amend_review(
        actor=first.moderator.user,
        review=review,
        ratings=ratings_for(application, Rating.MEETS),
        recommendation=Recommendation.FULL,
        summary="Re-read Q4: it is met.",
        reason="Missed the carer support policy.",
    )
    draft = review_for(second)
    save_review_draft(
        actor=second.moderator.user,
        review=draft,
        ratings={},
        recommendation="",
        summary="Halfway through: strong on Q2 so far.",
    )

    page = text_of(staff_client.get(url("reviews", application)))

    assert first.moderator.user.get_full_name() in page
    assert second.moderator.user.get_full_name() in page
    assert "Halfway through: strong on Q2 so far." in page  # the draft
    assert "In progress" in page and "Submitted" in page
    assert "Re-read Q4: it is met." in page
    assert "Strong practice on Q1." in page
    assert "Meets" in page  # rating 2 on the scale
    assert "Revision 1: submitted" in page and "Revision 2: amended" in page
    assert "Missed the carer support policy." in page
    assert "Partly meets" in page  # the first revision's ratings


def test_the_reviews_page_says_who_has_not_started(staff_client, staff):
    application, assignments = screened_application(staff=staff)
    page = text_of(staff_client.get(url("reviews", application)))
    assert "No moderator has started a review yet." in page
    submit_review(assignments[0])
    page = text_of(staff_client.get(url("reviews", application)))
    assert "Not started" in page
    assert assignments[1].moderator.user.get_full_name() in page


def test_staff_who_also_moderate_the_application_see_only_their_own_review_first(client):
    staff_member = staff_user()
    on_panel = ModeratorProfileFactory(user=staff_member)
    other = moderator()
    application, assignments = screened_application(moderators=[other, on_panel])
    submit_review(assignments[0])
    client.force_login(staff_member)

    page = text_of(client.get(url("reviews", application)))
    assert "you see only your own review until you submit it" in page
    assert "A thoughtful, well-evidenced application." not in page
    assert other.user.get_full_name() not in page.split("Not started")[0]

    submit_review(assignments[1])
    page = text_of(client.get(url("reviews", application)))
    assert "you see only your own review" not in page
    assert page.count("A thoughtful, well-evidenced application.") >= 2
    assert other.user.get_full_name() in page


def test_the_reviews_page_runs_a_fixed_number_of_queries(
    staff_client, staff, django_assert_max_num_queries
):
    application, assignments = screened_application(
        staff=staff, moderators=[moderator() for _ in range(6)]
    )
    submit_review(assignments[0])
    # 12 for the page, 1 for the record of who saw it (qualitymark.governance.access_log).
    with django_assert_max_num_queries(13):
        staff_client.get(url("reviews", application))
    for assignment in assignments[1:]:
        submit_review(assignment)
    with django_assert_max_num_queries(13):
        response = staff_client.get(url("reviews", application))
    assert text_of(response).count("Revision 1: submitted") == 6


# --- Moving to panel by hand -------------------------------------------------------------------


def test_staff_move_an_application_to_panel_once_every_review_is_in(staff_client, staff):
    application, assignments = screened_application(
        staff=staff, moderators=[moderator(), moderator(), moderator()]
    )
    submit_review(assignments[0])
    submit_review(assignments[1])

    page = text_of(staff_client.get(url("open_panel", application)))
    assert "2 of 3 reviews submitted" in page
    assert "once every moderator has submitted their review" in page
    response = staff_client.post(url("open_panel", application))
    summary, _ = errors(response)
    assert summary == [
        "Every moderator must submit their review before the application goes to panel"
    ]
    application.refresh_from_db()
    assert application.status == "in_review"

    # The third moderator cannot finish: taking them off leaves two submitted reviews.
    remove_assignment(actor=staff, assignment=assignments[2], reason="Unwell.")
    response = staff_client.post(url("open_panel", application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "panel"
    assert AuditEvent.objects.filter(action="application.open_panel").exists()


def test_too_few_moderators_is_explained(staff_client, staff):
    application, assignments = screened_application(staff=staff)
    submit_review(assignments[0])
    remove_assignment(actor=staff, assignment=assignments[1], reason="Conflict found.")
    page = text_of(staff_client.get(url("open_panel", application)))
    assert "needs at least 2 moderators" in page
    staff_client.post(url("open_panel", application))
    application.refresh_from_db()
    assert application.status == "in_review"


def test_open_panel_is_only_for_applications_in_review(staff_client):
    application = submitted_application()
    response = staff_client.post(url("open_panel", application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"


# --- Information requests ----------------------------------------------------------------------


def test_staff_ask_the_agency_questions_and_the_agency_is_told(
    staff_client, staff, django_capture_on_commit_callbacks
):
    application, _ = screened_application(staff=staff)
    q3 = application.framework.descriptors.get(number=3)
    due = TODAY() + timedelta(days=10)
    lead = application.agency.memberships.get(role="lead").user
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url("request_information", application),
            {
                "descriptor_1": q3.pk,
                "question_1": "How many carer households did you approve in 2025?",
                "descriptor_2": "",
                "question_2": "   ",
                "descriptor_3": "",
                "question_3": "Please send your tracking meeting terms of reference.",
                **date_fields("due_on", due),
            },
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "information_requested"
    request = InformationRequest.objects.get(application=application)
    assert request.asked_by == staff and request.due_on == due
    questions = list(request.questions.order_by("position"))
    assert [(q.descriptor, q.question) for q in questions] == [
        (q3, "How many carer households did you approve in 2025?"),
        (None, "Please send your tracking meeting terms of reference."),
    ]
    assert AuditEvent.objects.get(action="application.request_information").actor == staff
    assert lead.email in {address for message in mail.outbox for address in message.to}

    # The request, then the agency's answer, show on the application page.
    page = text_of(staff_client.get(url("application", application)))
    assert "How many carer households did you approve in 2025?" in page
    assert "Waiting for the agency" in page
    respond_to_information_request(
        actor=lead,
        request=request,
        answers={questions[0].pk: "Eleven.", questions[1].pk: "Attached."},
    )
    page = text_of(staff_client.get(url("application", application)))
    assert "Eleven." in page and "Answered" in page


def test_the_information_request_form_shows_what_is_wrong(staff_client, staff):
    application, _ = screened_application(staff=staff)
    q1 = application.framework.descriptors.get(number=1)
    form_url = url("request_information", application)

    summary, beside = errors(staff_client.post(form_url, {}))
    assert summary == ["Enter at least one question", "Enter the date the answers are due"]
    assert beside["question_1"] == ["Enter at least one question"]
    assert beside["due_on"] == ["Enter the date the answers are due"]

    summary, beside = errors(
        staff_client.post(
            form_url,
            {
                "descriptor_2": q1.pk,
                "question_1": "What changed?",
                **date_fields("due_on", TODAY() + timedelta(days=5)),
            },
        )
    )
    assert summary == ["Enter the question, or choose ‘The application in general’"]
    assert beside["question_2"] == summary

    summary, beside = errors(
        staff_client.post(
            form_url, {"question_1": "What changed?", **date_fields("due_on", TODAY())}
        )
    )
    assert summary == ["The due date must be in the future"]
    assert beside["due_on"] == summary
    assert not InformationQuestion.objects.exists()
    application.refresh_from_db()
    assert application.status == "in_review"


def test_questions_can_only_be_asked_while_the_application_is_in_review(staff_client, staff):
    submitted = submitted_application()
    page = text_of(staff_client.get(url("request_information", submitted)))
    assert "return it to the agency" in page
    response = staff_client.post(
        url("request_information", submitted),
        {"question_1": "Why?", **date_fields("due_on", TODAY() + timedelta(days=5))},
    )
    assert response.status_code == 200
    assert not InformationRequest.objects.exists()

    application, _ = screened_application(staff=staff)
    request_information(
        actor=staff,
        application=application,
        questions=[(None, "First question")],
        due_on=TODAY() + timedelta(days=5),
    )
    page = text_of(staff_client.get(url("request_information", application)))
    assert "has not answered the last questions yet" in page
    assert InformationRequest.objects.count() == 1
