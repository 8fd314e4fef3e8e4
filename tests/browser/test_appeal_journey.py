"""A review of a panel decision in a real browser, from the agency lead's first
click on the decision page to the changed award on the public register: the lead
asks, Coram staff record the request, a chair who took no part decides it."""

import pytest
from allauth.mfa.models import Authenticator

from moderation.models.appeals import Appeal
from moderation.models.awards import Award
from moderation.models.workflow import Recommendation
from moderation.services.awards import publish_award
from tests.accounts.helpers import totp_code
from tests.awards.builders import Panel
from tests.factories import AgencyFactory, ModeratorProfileFactory, UserFactory, enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPLANATION = "The panel did not read our Q4 tracking data, sent with the application."
REASONS = "Q4's tracking data was overlooked; on that evidence Working Towards stands, not Full."


def sign_in_with_authenticator(page, sign_in, user, secret):
    sign_in(page, user)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def lead_asks_for_a_review(page, application, checks):
    page.goto(f"/agency/applications/{application.pk}/decision/")
    page.get_by_role("link", name="ask for a review of this decision").click()
    page.wait_for_url(f"**/agency/applications/{application.pk}/decision/review/")
    checks.accessible_basics(page)
    page.get_by_label("Explain what went wrong").fill(EXPLANATION)
    page.get_by_role("button", name="Ask for a review").click()
    summary = page.locator(".govuk-error-summary")
    assert "Choose the grounds for the review" in summary.inner_text()
    assert page.get_by_label("Explain what went wrong").input_value() == EXPLANATION
    page.get_by_label("The panel did not take account of evidence we submitted").check()
    page.get_by_role("button", name="Ask for a review").click()
    assert page.get_by_text("You have asked for a review of the decision.").is_visible()
    assert page.locator("#appeal-status").inner_text() == "Asked for"


def staff_record_the_request(page, application, checks):
    page.goto("/moderation/panel/")
    page.get_by_role("link", name="Reviews of decisions").click()
    page.get_by_role("link", name=application.reference).click()
    checks.accessible_basics(page)
    page.get_by_role("button", name="Record the request").click()
    assert page.locator("#appeal-status").inner_text() == "Recorded by the Quality Mark team"


def independent_chair_decides(page, application):
    page.goto("/moderation/reviews-of-decisions/")
    page.get_by_role("link", name=application.reference).click()
    page.get_by_label("Changed to Working Towards").check()
    page.get_by_label("Reasons").fill(REASONS)
    page.get_by_role("button", name="Record the outcome of the review").click()
    assert page.locator("#appeal-outcome").inner_text() == "Changed to Working Towards"


def test_an_agency_asks_for_a_review_and_the_register_shows_the_changed_award(
    page, browser, live_server, sign_in, checks
):
    agency = AgencyFactory(name="Fenland Family Finders")
    panel = Panel()
    decision = panel.decide(agency=agency, outcome=Recommendation.FULL)
    publish_award(actor=panel.staff, award=Award.objects.get(decision=decision))
    application = decision.application
    lead = application.agency.memberships.get(role="lead").user

    sign_in(page, lead)
    lead_asks_for_a_review(page, application, checks)
    sign_out(page)

    staff = UserFactory(is_coram_staff=True, full_name="Robin Staff")
    sign_in_with_authenticator(page, sign_in, staff, enrol_totp(staff))
    staff_record_the_request(page, application, checks)
    sign_out(page)

    # The chair who decided does not see the review; an independent chair decides it.
    Authenticator.objects.filter(user=panel.chair.user).delete()  # a new app, its secret known
    sign_in_with_authenticator(page, sign_in, panel.chair.user, enrol_totp(panel.chair.user))
    response = page.goto(f"/moderation/reviews-of-decisions/{Appeal.objects.get().pk}/")
    assert response.status == 404
    sign_out(page)
    independent = ModeratorProfileFactory(is_chair=True, user__full_name="Indy Chair")
    sign_in_with_authenticator(page, sign_in, independent.user, enrol_totp(independent.user))
    independent_chair_decides(page, application)
    sign_out(page)

    replacement = Award.objects.get(decision__application=application, level="working_towards")
    assert replacement.is_published  # it takes the place of the published Full award
    visitor = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    visitor.goto(f"/register/agencies/{agency.slug}/")
    text = visitor.locator("main").inner_text()
    assert "Working Towards" in text and replacement.number in text
    checks.no_csp_violations(page)
