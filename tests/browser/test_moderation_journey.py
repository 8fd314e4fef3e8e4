"""From the last moderator's review to the agency reading the panel's decision,
in a real browser: a moderator reviews, Coram staff arrange the panel meeting,
the chair records the decision and the agency lead reads it.

Moderators, chairs and staff sign in through the real sign-in page with a
password and a code from their authenticator app."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from moderation.models.workflow import Assignment, Decision, PanelMeeting, Recommendation
from moderation.ratings import Rating
from moderation.services.assignments import assign_moderator
from moderation.services.reviews import declare_conflict
from moderation.services.screening import accept_for_moderation, record_eligibility, record_fee_paid
from tests.accounts.helpers import totp_code
from tests.factories import AgencyFactory, ModeratorProfileFactory, UserFactory, enrol_totp
from tests.moderation.builders import moderator, submit_review, submitted_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY_NAME = "Moorland Adoption Partnership"
# Moderator 1 rates every descriptor Meets (Exceeds for Q1); the second moderator
# rated everything Exceeds, so every descriptor is met and Full is suggested.
FIRST_RATINGS = {"Q1": "Exceeds"}
DEFAULT_RATING = "Meets"
STRENGTHS_Q1 = "Concurrent carers are prepared alongside the child's social worker."
AREAS_Q1 = "Record the tracking meeting's actions in the child's plan."
SUMMARY = "Early permanence is planned from the first placement discussion."
RATIONALE = "Every descriptor is met, and the panel agreed with the moderators."


class People:
    """Everyone in the journey, with the secrets of their authenticator apps."""

    def __init__(self):
        self.staff = UserFactory(is_coram_staff=True, full_name="Robin Staff")
        self.staff_secret = enrol_totp(self.staff)
        self.first = ModeratorProfileFactory(user__full_name="Alex Reviewer")
        self.first_secret = enrol_totp(self.first.user)
        self.second = moderator(user__full_name="Sam Second", expertise=["legal"])
        self.chair = ModeratorProfileFactory(is_chair=True, user__full_name="Casey Chair")
        self.chair_secret = enrol_totp(self.chair.user)
        self.members = [
            ModeratorProfileFactory(user__full_name="Jordan Member"),
            ModeratorProfileFactory(user__full_name="Morgan Member"),
        ]


def application_awaiting_one_review(people: People):
    """In review with a lead and a second moderator; the second has declared no
    conflict and submitted a review, the lead has not opened it yet."""
    application = submitted_application(agency=AgencyFactory(name=AGENCY_NAME))
    staff = people.staff
    record_fee_paid(
        actor=staff, application=application, paid_on=timezone.localdate(), invoice_number="INV-7"
    )
    record_eligibility(actor=staff, application=application, eligible=True)
    due_on = timezone.localdate() + timedelta(days=21)
    assign_moderator(
        actor=staff,
        application=application,
        moderator=people.first,
        role=Assignment.Role.LEAD,
        due_on=due_on,
    )
    second = assign_moderator(
        actor=staff,
        application=application,
        moderator=people.second,
        role=Assignment.Role.SECOND,
        due_on=due_on,
    )
    application = accept_for_moderation(actor=staff, application=application)
    declare_conflict(actor=people.second.user, assignment=second, has_conflict=False)
    submit_review(second, value=Rating.EXCEEDS, recommendation=Recommendation.FULL)
    application.refresh_from_db()
    assert application.status == "in_review"
    return application


def path_of(page) -> str:
    """The page's path (the skip-link check leaves a #main-content fragment,
    which the browser keeps across a form's redirect)."""
    return urlsplit(page.url).path


def sign_in_with_authenticator(page, sign_in, user, secret):
    sign_in(page, user)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in", exact=True).is_visible()


def moderator_reviews(page, application, people, checks):
    pk = application.pk
    page.wait_for_url("**/moderation/")
    queue = page.get_by_role("table")
    row = queue.get_by_role("row").filter(has_text=application.reference)
    assert "Declaration needed" in row.inner_text()
    row.get_by_role("link", name=AGENCY_NAME).click()

    # The conflict declaration comes before any of the application's content.
    page.wait_for_url(f"**/moderation/applications/{pk}/declaration/")
    question = page.get_by_role(
        "group", name="Do you have a conflict of interest with this agency or its partners?"
    )
    question.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/moderation/applications/{pk}/")
    assert page.get_by_text("Thank you. You can now read the application.").is_visible()

    # The reading layout: each section of the application beside its part of the review.
    assert page.get_by_role("heading", level=1, name=AGENCY_NAME).is_visible()
    contents = page.get_by_role("navigation", name="Contents")
    descriptors = list(application.framework.descriptors.order_by("number"))
    for descriptor in descriptors:
        section = page.get_by_role("region", name=f"{descriptor.code}: {descriptor.title}")
        assert section.get_by_role("heading", name="The agency’s evidence").is_visible()
        assert section.locator(".qm-narrative").inner_text().strip()
        assert section.get_by_role("heading", name=f"Your review of {descriptor.code}").is_visible()
    assert contents.get_by_role("link", name="Your overall recommendation").is_visible()
    checks.accessible_basics(page)

    for descriptor in descriptors:
        rating = FIRST_RATINGS.get(descriptor.code, DEFAULT_RATING)
        group = page.get_by_role("group", name=f"Your rating for {descriptor.code}")
        group.get_by_label(rating, exact=True).check()
    page.get_by_label("Strengths in Q1").fill(STRENGTHS_Q1)
    page.get_by_label("Areas to develop in Q1").fill(AREAS_Q1)
    overall = page.get_by_role("group", name="Your overall recommendation")
    overall.get_by_label("Full", exact=True).check()
    page.get_by_label("Summary for the panel").fill(SUMMARY)
    page.get_by_role("button", name="Submit review").click()

    page.wait_for_url(f"**/moderation/applications/{pk}/review/")
    problems = page.locator(".govuk-error-summary")
    assert problems.count() == 0, problems.first.inner_text()
    confirmation = page.locator(".govuk-panel--confirmation")
    assert confirmation.get_by_role("heading", name="Review submitted").is_visible()
    assert AGENCY_NAME in confirmation.inner_text()

    application.refresh_from_db()
    assert application.status == "panel"
    review = people.first.assignments.get(application=application).review
    assert review.is_submitted and review.recommendation == Recommendation.FULL
    assert review.ratings.get(descriptor__number=1).strengths == STRENGTHS_Q1


def staff_arrange_the_panel(page, application, people, checks):
    page.wait_for_url("**/staff/")
    page.get_by_role("link", name="Panel meetings").click()
    page.wait_for_url("**/staff/panel-meetings/")
    page.get_by_role("button", name="Arrange a panel meeting").click()
    page.wait_for_url("**/staff/panel-meetings/new/")

    held_on = timezone.localdate() + timedelta(days=7)
    date = page.get_by_role("group", name="Date of the meeting")
    date.get_by_label("Day").fill(str(held_on.day))
    date.get_by_label("Month").fill(str(held_on.month))
    date.get_by_label("Year").fill(str(held_on.year))
    page.get_by_label("Title (optional)").fill("Summer panel")
    page.get_by_label("Panel chair").select_option(label="Casey Chair")
    page.get_by_role("button", name="Arrange the meeting").click()
    page.wait_for_url(re.compile(r"/staff/panel-meetings/\d+/$"))
    meeting = PanelMeeting.objects.get()
    assert meeting.held_on == held_on and meeting.chair == people.chair

    members = page.get_by_role("group", name="Members present")
    members.get_by_label("Casey Chair (panel chair)").check()
    for member in people.members:
        members.get_by_label(member.user.full_name, exact=True).check()
    agenda = page.get_by_role("group", name="Applications on the agenda")
    agenda.get_by_label(f"{application.reference} – {AGENCY_NAME}").check()
    checks.accessible_basics(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save meeting details").click()
    assert path_of(page) == f"/staff/panel-meetings/{meeting.pk}/"
    assert page.get_by_text("The meeting's details have been saved.").is_visible()
    item = page.locator(f"#agenda-{application.pk}")
    assert "Quorate" in item.inner_text() and "3 of 3 needed" in item.inner_text()
    assert set(meeting.members_present.all()) == {people.chair, *people.members}
    assert list(meeting.agenda.all()) == [application]
    return meeting


def chair_records_the_decision(page, application, people, meeting, checks):
    pk = application.pk
    page.wait_for_url("**/moderation/")
    page.get_by_role("link", name="Panel work").click()
    page.wait_for_url("**/moderation/panel/")
    at_panel = page.locator("#at-panel")
    assert held_on_text(meeting) in at_panel.get_by_role("row").nth(1).inner_text()
    at_panel.get_by_role("link", name=application.reference).click()
    page.wait_for_url(f"**/moderation/panel/applications/{pk}/")

    # The matrix: one column per moderator, both moderators' ratings, the suggestion.
    matrix = page.get_by_role("table", name="Ratings by descriptor and moderator")
    header = matrix.get_by_role("row").first.inner_text()
    assert "Alex Reviewer" in header and "Sam Second" in header
    q1 = [cell.inner_text().strip() for cell in matrix.locator("#descriptor-Q1 td").all()]
    assert q1[:2] == ["Exceeds", "Exceeds"], q1
    q2 = [cell.inner_text().strip() for cell in matrix.locator("#descriptor-Q2 td").all()]
    assert q2[:2] == ["Meets", "Exceeds"], q2
    assert "Suggested: Full" in matrix.locator("#recommendations").inner_text()
    assert page.get_by_role("heading", name="Suggested outcome: Full").is_visible()
    page.get_by_role("button", name="Record the decision").click()

    page.wait_for_url(f"**/moderation/panel/applications/{pk}/decision/")
    assert page.locator("#suggested").inner_text() == "Full"
    assert page.get_by_role("group", name="Panel meeting").get_by_role("radio").first.is_checked()
    outcome = page.get_by_role("group", name="Outcome")
    assert outcome.get_by_label("Full (suggested)").is_checked()
    q1_feedback = page.get_by_role("group", name=re.compile(r"^Q1: "))
    strengths = q1_feedback.get_by_label("Strengths").input_value()
    assert STRENGTHS_Q1 in strengths and "Strong practice on Q1." in strengths
    assert AREAS_Q1 in q1_feedback.get_by_label("Areas to develop").input_value()
    checks.accessible_basics(page)
    assert page.locator("#draft-tag").inner_text() == "Draft"
    page.get_by_label("The panel's rationale").fill(RATIONALE)
    q7_areas = page.get_by_role("group", name=re.compile(r"^Q7: ")).get_by_label("Areas to develop")
    q7_areas.fill("")
    # Sending the moderators' words unedited, or an empty section, is refused.
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Edit the Q1 strengths: it is still the moderators' prefilled text" in summary
    assert "Enter the Q7 areas to develop" in summary
    assert page.get_by_label("The panel's rationale").input_value() == RATIONALE
    for number in range(1, 8):
        group = page.get_by_role("group", name=re.compile(rf"^Q{number}: "))
        for label in ("Strengths", "Areas to develop"):
            box = group.get_by_label(label)
            box.fill(f"The panel: {box.input_value()}".strip())
    q7_areas.fill("The panel: keep the current practice under review.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    assert path_of(page) == f"/moderation/panel/applications/{pk}/decision/"
    problems = page.locator(".govuk-error-summary")
    assert problems.count() == 0, problems.first.inner_text()
    confirmation = page.locator("#confirmation")
    assert confirmation.get_by_role("heading", name="Decision recorded").is_visible()
    assert f"{application.reference}: Full" in confirmation.inner_text()

    application.refresh_from_db()
    assert application.status == "decided"
    decision = Decision.objects.get(application=application)
    assert decision.outcome == decision.suggested_outcome == Recommendation.FULL
    assert decision.meeting == meeting and decision.recorded_by == people.chair.user
    assert decision.rationale == RATIONALE
    assert STRENGTHS_Q1 in decision.feedback.get(descriptor__number=1).strengths
    assert decision.feedback.get(descriptor__number=7).areas_to_develop == (
        "The panel: keep the current practice under review."
    )


def held_on_text(meeting) -> str:
    return f"{meeting.held_on.day} {meeting.held_on:%B %Y}"


def lead_reads_the_decision(page, application):
    page.get_by_role(
        "link", name=f"Read the decision and the panel's feedback on {application.reference}"
    ).click()
    page.wait_for_url(f"**/agency/applications/{application.pk}/decision/")
    assert page.get_by_role("heading", level=1, name="The panel's decision").is_visible()
    assert page.locator("#outcome").get_by_role("heading", name="Full").is_visible()
    assert RATIONALE in page.locator("#rationale").inner_text()
    assert STRENGTHS_Q1 in page.locator("#feedback-Q1").inner_text()
    q7 = page.locator("#feedback-Q7").inner_text()
    assert "Meets (met)" in q7 and "keep the current practice under review" in q7


def test_a_review_goes_to_panel_and_the_chair_records_the_decision(page, sign_in, checks):
    people = People()
    application = application_awaiting_one_review(people)
    lead = application.agency.memberships.get(role="lead").user

    sign_in_with_authenticator(page, sign_in, people.first.user, people.first_secret)
    moderator_reviews(page, application, people, checks)
    sign_out(page)

    sign_in_with_authenticator(page, sign_in, people.staff, people.staff_secret)
    meeting = staff_arrange_the_panel(page, application, people, checks)
    sign_out(page)

    sign_in_with_authenticator(page, sign_in, people.chair.user, people.chair_secret)
    chair_records_the_decision(page, application, people, meeting, checks)
    sign_out(page)

    sign_in(page, lead)
    lead_reads_the_decision(page, application)

    checks.no_csp_violations(page)
    checks.no_script_failures(page)
