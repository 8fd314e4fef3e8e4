"""The moderation workflow through the services, from submitted to decided."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.lifecycle import TransitionNotAllowed
from moderation.models.workflow import Recommendation
from moderation.ratings import Rating
from moderation.selectors.panel import consolidation_for
from moderation.selectors.workflow import reviews_visible_to
from moderation.services import reviews as reviews_services
from moderation.services.assignments import (
    assign_moderator,
    change_due_date,
    remove_assignment,
    suggested_pair,
)
from moderation.services.information import request_information, respond_to_information_request
from moderation.services.panel import (
    correct_decision,
    create_meeting,
    current_decision,
    record_decision,
    set_meeting_details,
)
from moderation.services.reviews import amend_review, review_for
from moderation.services.screening import accept_for_moderation, return_to_agency
from qualitymark.audit.models import AuditEvent

from .builders import (
    chair,
    moderator,
    ratings_for,
    screened_application,
    staff_user,
    submit_review,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def test_screening_needs_fee_eligibility_and_two_unconflicted_moderators():
    application = submitted_application()
    staff = staff_user()
    with pytest.raises(ValidationError) as problems:
        accept_for_moderation(actor=staff, application=application)
    assert "Record the fee as paid or waived" in problems.value.messages
    assert "Assign at least 2 moderators" in problems.value.messages


def test_return_to_agency_unlocks_the_application_and_clears_the_declaration():
    application = submitted_application()
    staff = staff_user()
    with pytest.raises(ValidationError):
        return_to_agency(actor=staff, application=application, reason="")
    application = return_to_agency(
        actor=staff, application=application, reason="Please add your 2025 data."
    )
    application.refresh_from_db()
    assert application.status == "draft"
    assert not application.is_locked
    assert not application.is_declared
    assert AuditEvent.objects.filter(action="application.return_to_agency").exists()


def test_full_workflow_to_decision():
    application, assignments = screened_application()
    assert application.status == "in_review"

    first = submit_review(assignments[0], value=Rating.EXCEEDS)
    application.refresh_from_db()
    assert application.status == "in_review"
    # The second moderator cannot see the first review before submitting.
    second_user = assignments[1].moderator.user
    assert list(reviews_visible_to(second_user, application)) == []

    submit_review(assignments[1], value=Rating.MEETS)
    application.refresh_from_db()
    assert application.status == "panel"
    assert set(reviews_visible_to(second_user, application)) == {first, assignments[1].review}

    consolidation = consolidation_for(application)
    assert consolidation.suggested_outcome == Recommendation.FULL
    assert consolidation.disagreements == []

    panel_chair = chair()
    staff = staff_user()
    members = [panel_chair, moderator(), moderator()]
    meeting = create_meeting(actor=staff, held_on=timezone.localdate(), chair=panel_chair)
    set_meeting_details(actor=staff, meeting=meeting, members_present=members, agenda=[application])
    with pytest.raises(ValidationError):
        record_decision(
            actor=panel_chair.user,
            application=application,
            meeting=meeting,
            outcome=Recommendation.WORKING_TOWARDS,
            rationale="Solid but developing.",
            feedback={},
        )
    decision = record_decision(
        actor=panel_chair.user,
        application=application,
        meeting=meeting,
        outcome=Recommendation.FULL,
        rationale="Every descriptor is well evidenced.",
        feedback=ratings_for(application, Rating.MEETS),
    )
    application.refresh_from_db()
    assert application.status == "decided"
    assert decision.feedback.count() == 7
    with pytest.raises(TypeError):
        decision.save()

    correction = correct_decision(
        actor=panel_chair.user,
        decision=decision,
        outcome=Recommendation.FULL,
        rationale="",
        feedback=ratings_for(application, Rating.MEETS),
        correction_reason="Typo in Q3 feedback.",
    )
    assert correction.supersedes == decision
    assert current_decision(application) == correction


def test_a_moderator_cannot_review_someone_elses_assignment():
    application, assignments = screened_application()
    review = review_for(assignments[0])
    with pytest.raises(PermissionDenied):
        reviews_services.submit_review(
            actor=assignments[1].moderator.user,
            review=review,
            ratings=ratings_for(application, Rating.MEETS),
            recommendation=Recommendation.FULL,
            summary="x",
        )


def test_amendments_are_kept_until_the_panel_opens():
    application, assignments = screened_application()
    review = submit_review(
        assignments[0], value=Rating.PARTLY_MEETS, recommendation=Recommendation.WORKING_TOWARDS
    )
    amended = amend_review(
        actor=assignments[0].moderator.user,
        review=review,
        ratings=ratings_for(application, Rating.MEETS),
        recommendation=Recommendation.FULL,
        summary="Re-read Q4: it is met.",
        reason="Missed the carer support policy.",
    )
    snapshots = list(amended.revisions.values_list("snapshot", flat=True))
    assert [s["recommendation"] for s in snapshots] == ["working_towards", "full"]
    submit_review(assignments[1])
    with pytest.raises(PermissionDenied):
        amend_review(
            actor=assignments[0].moderator.user,
            review=amended,
            ratings=ratings_for(application, Rating.EXCEEDS),
            recommendation=Recommendation.FULL,
            summary="",
            reason="Too late",
        )


def test_information_request_pauses_and_resumes_review():
    application, assignments = screened_application()
    request = request_information(
        actor=assignments[0].moderator.user,
        application=application,
        questions=[(application.framework.descriptors.get(number=3), "How many carers?")],
        due_on=timezone.localdate() + timedelta(days=14),
    )
    application.refresh_from_db()
    assert application.status == "information_requested"
    lead = application.agency.memberships.get(role="lead").user
    question = request.questions.get()
    respond_to_information_request(
        actor=lead, request=request, answers={question.pk: "Eleven households."}
    )
    application.refresh_from_db()
    assert application.status == "in_review"


def test_a_conflicted_moderator_cannot_be_assigned():
    application = submitted_application()
    conflicted = moderator()
    conflicted.affiliated_agencies.add(application.agency)
    with pytest.raises(ValidationError, match="cannot review"):
        assign_moderator(
            actor=staff_user(), application=application, moderator=conflicted, role="lead"
        )
    suggestion = suggested_pair(application)
    assert conflicted not in [candidate.moderator for candidate in suggestion]


def test_withdraw_is_refused_after_decision():
    application = submitted_application()
    lead = application.agency.memberships.get(role="lead").user
    from applications.services.submissions import withdraw_application

    withdraw_application(actor=lead, application=application, reason="Not ready.")
    application.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        withdraw_application(actor=lead, application=application, reason="Again.")


def test_a_removed_moderator_is_not_suggested_as_their_own_replacement():
    application, assignments = screened_application()
    staff = staff_user()
    moderator()  # someone free to replace them
    removed = remove_assignment(actor=staff, assignment=assignments[1], reason="On leave.")
    suggested = [candidate.moderator for candidate in suggested_pair(application)]
    assert removed.moderator not in suggested


def test_due_dates_cannot_move_into_the_past():
    application, assignments = screened_application()
    with pytest.raises(ValidationError) as error:
        change_due_date(
            actor=staff_user(),
            assignment=assignments[0],
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert "due_on" in error.value.message_dict


def test_the_last_review_during_an_information_request_goes_to_panel_on_the_answer():
    application, assignments = screened_application()
    submit_review(assignments[0])
    request = request_information(
        actor=assignments[1].moderator.user,
        application=application,
        questions=[(None, "Can you send the tracking report?")],
        due_on=timezone.localdate() + timedelta(days=7),
    )
    submit_review(assignments[1])
    application.refresh_from_db()
    assert application.status == "information_requested"
    lead = application.agency.memberships.get(role="lead").user
    respond_to_information_request(
        actor=lead, request=request, answers={request.questions.get().pk: "Attached."}
    )
    application.refresh_from_db()
    assert application.status == "panel"


def test_a_second_request_waits_for_the_first_answer():
    application, assignments = screened_application()
    ask = dict(
        actor=assignments[0].moderator.user,
        questions=[(None, "Question?")],
        due_on=timezone.localdate() + timedelta(days=7),
    )
    request_information(application=application, **ask)
    application.refresh_from_db()
    with pytest.raises((ValidationError, PermissionDenied)):
        request_information(application=application, **ask)
