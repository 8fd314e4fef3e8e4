"""Defects seen when trying every journey (issue 13), each with its fix."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications.models.submissions import SectionAnswer
from applications.section_list import form_kwargs
from applications.selectors.submissions import application_overview
from applications.services.submissions import save_section, start_application
from descriptors.services import ensure_working_framework
from moderation.models.workflow import PanelMeeting, Recommendation
from moderation.ratings import Rating
from moderation.services.meetings import cancel_meeting
from moderation.services.panel import create_meeting
from moderation.services.reviews import amend_review
from qualitymark.audit.models import AuditEvent
from qualitymark.notifications.models import SentEmail
from tests.applications.application_data import section_answers
from tests.factories import AgencyFactory, MembershipFactory

from .builders import (
    chair,
    moderator,
    ratings_for,
    screened_application,
    staff_user,
    submit_review,
    submitted_application,
)
from .test_reviewer_pages import client_for, queue_rows, quick_assignment

pytestmark = pytest.mark.django_db


def test_a_decided_application_shows_as_decided_in_the_queue_and_under_its_filter():
    profile = moderator()
    quick_assignment(profile, agency_name="Alder Adoption", status="decided")
    quick_assignment(profile, agency_name="Birch Adoption", status="in_review")
    client = client_for(profile.user)
    rows = {row["agency"]: row for row in queue_rows(client.get(reverse("moderation:queue")))}
    assert rows["Alder Adoption"]["status"].startswith("Decided")
    assert not rows["Birch Adoption"]["status"].startswith("Decided")
    decided = queue_rows(client.get(reverse("moderation:queue"), {"status": "decided"}))
    assert [row["agency"] for row in decided] == ["Alder Adoption"]


def test_the_chairs_panel_page_shows_each_reviews_amendments():
    application, (first, second) = screened_application()
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
    submit_review(second)
    application.refresh_from_db()
    assert application.status == "panel"
    page = client_for(chair().user).get(reverse("moderation:consolidation", args=[application.pk]))
    html = page.content.decode()
    assert "Amendments: this review has 2 versions" in html
    assert "Missed the carer support policy." in html
    assert "Recommendation: Working Towards to Full" in html
    assert "Submitted once, not amended" in html  # the second moderator's


def _meeting_form(held_on: date, panel_chair) -> dict:
    return {
        "held_on_0": held_on.day,
        "held_on_1": held_on.month,
        "held_on_2": held_on.year,
        "chair": panel_chair.pk,
        "title": "",
    }


def test_a_meeting_dated_in_the_past_is_refused():
    staff, panel_chair = staff_user(), chair()
    client = client_for(staff)
    response = client.post(
        reverse("staff:meeting_create"), _meeting_form(date(1990, 3, 1), panel_chair)
    )
    assert response.status_code == 200
    assert "The date of the meeting must be today or in the future" in response.content.decode()
    assert not PanelMeeting.objects.exists()
    with pytest.raises(ValidationError):
        create_meeting(actor=staff, held_on=date(2020, 1, 1), chair=panel_chair)
    response = client.post(
        reverse("staff:meeting_create"), _meeting_form(timezone.localdate(), panel_chair)
    )
    assert response.status_code == 302 and PanelMeeting.objects.count() == 1


def test_a_meeting_is_cancelled_with_a_reason_unless_a_decision_was_recorded_at_it():
    staff, panel_chair = staff_user(), chair()
    meeting = create_meeting(
        actor=staff, held_on=timezone.localdate(), chair=panel_chair, title="Spring panel"
    )
    client = client_for(staff)
    url = reverse("staff:meeting_cancel", args=[meeting.pk])
    assert url in client.get(reverse("staff:meeting", args=[meeting.pk])).content.decode()
    refused = client.post(url, {"reason": ""})
    assert "Enter why the meeting is cancelled" in refused.content.decode()
    response = client.post(url, {"reason": "The chair is unwell."})
    assert response.status_code == 302
    assert not PanelMeeting.objects.exists()
    event = AuditEvent.objects.get(action="panel.meeting_cancelled")
    assert event.changes["reason"] == "The chair is unwell."
    assert event.changes["title"] == "Spring panel"
    assert client_for(moderator().user).get(url).status_code == 404


def test_a_meeting_with_a_decision_cannot_be_cancelled():
    call_command("seed_demo", stdout=StringIO())
    meeting = PanelMeeting.objects.filter(decisions__isnull=False).first()
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        cancel_meeting(actor=staff_user(), meeting=meeting, reason="Mistake")
    assert PanelMeeting.objects.filter(pk=meeting.pk).exists()


def test_staff_emails_link_to_the_application_they_are_about(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application()
    email = SentEmail.objects.get(template="application_submitted_staff")
    assert f"/staff/applications/{application.pk}/" in email.body


def test_every_section_done_but_no_declaration_says_what_is_left():
    ensure_working_framework()
    agency = AgencyFactory()
    lead = MembershipFactory(agency=agency, role="lead").user
    application = start_application(actor=lead, agency=agency, level_sought="full", kind="new")
    rows = application_overview(application).rows
    for row in rows:
        form = row.section.form_class(
            {**section_answers(row.key), "version": 0, "completed": "yes"},
            application=application,
            **form_kwargs(row.section),
        )
        assert form.is_valid(), form.errors
        save_section(
            actor=lead,
            application=application,
            key=row.key,
            data=form.answer_data(),
            state=SectionAnswer.State.COMPLETED,
            expected_version=0,
        )
    page = client_for(lead).get(reverse("agency:application", args=[application.pk]))
    html = page.content.decode()
    assert f"You have completed all {len(rows)} sections. Still to do: sign the declaration" in html
    assert f"completed {len(rows)} of {len(rows)}" not in html


def test_a_paid_fee_is_not_shown_as_due():
    staff = staff_user()
    application, _ = screened_application(staff=staff)
    html = client_for(staff).get(reverse("staff:application", args=[application.pk])).content
    assert "£750.00 paid" in html.decode()
    assert "£750.00 due" not in html.decode()
    waiting = submitted_application()
    html = client_for(staff).get(reverse("staff:application", args=[waiting.pk])).content
    assert "£750.00 due" in html.decode()
