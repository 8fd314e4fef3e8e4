"""The mid-point check in a real browser: the agency lead writes the action
plan of a Working Towards award, reports progress, Coram staff acknowledge it,
and the upgrade application shows the plan beside "What has changed"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from moderation.models.workflow import Recommendation
from tests.accounts.helpers import totp_code
from tests.awards.builders import Panel
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_action_plan_from_first_click_to_the_upgrade(
    page, browser, live_server, sign_in, checks
):
    agency = AgencyFactory(name="Riverside Family Adoption")
    award = Panel().award(
        agency=agency, outcome=Recommendation.WORKING_TOWARDS, level="working_towards"
    )
    lead = MembershipFactory(agency=agency, role="lead").user
    sign_in(page, lead)

    page.goto(f"/agency/{agency.slug}/awards/{award.pk}/")
    page.get_by_role("link", name="Write and update your action plan").click()
    page.get_by_role("link", name="Add an action for Q1").click()
    page.get_by_label("What will you do?").fill("Run pre-birth tracking meetings every month.")
    page.get_by_role("button", name="Save action").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_role("link", name="Enter who owns this action").is_visible()
    assert page.get_by_label("What will you do?").input_value().startswith("Run pre-birth")

    page.get_by_label("Who owns this action?").fill("EP champion")
    target = timezone.localdate() + timedelta(days=90)
    page.locator("[name=target_on_0]").fill(str(target.day))
    page.locator("[name=target_on_1]").fill(str(target.month))
    page.locator("[name=target_on_2]").fill(str(target.year))
    page.get_by_role("button", name="Save action").click()
    assert page.get_by_text("Action added").is_visible()
    assert page.get_by_role("cell", name="EP champion").is_visible()
    checks.accessible_basics(page)

    page.get_by_role("button", name="Report progress").click()
    page.get_by_label("Your progress at the mid-point").fill("Tracking meetings started in May.")
    page.get_by_role("button", name="Send progress report").click()
    assert page.get_by_text("Progress report sent").is_visible()

    staff = UserFactory(is_coram_staff=True, full_name="Robin Staff")
    secret = enrol_totp(staff)
    staff_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    staff_page = staff_context.new_page()
    sign_in(staff_page, staff)
    staff_page.get_by_label("Code").fill(totp_code(secret))
    staff_page.get_by_role("button", name="Continue").click()
    staff_page.wait_for_url(lambda url: "/accounts/" not in url)
    staff_page.goto(f"/staff/awards/{award.pk}/")
    staff_page.get_by_role("link", name="Read the agency's action plan").click()
    assert staff_page.get_by_text("Tracking meetings started in May.").is_visible()
    staff_page.get_by_label("Your comment to the agency").fill("A promising start.")
    staff_page.get_by_role("button", name="Acknowledge progress").click()
    assert staff_page.get_by_text("Progress acknowledged").first.is_visible()
    staff_context.close()

    page.goto(f"/agency/{agency.slug}/awards/{award.pk}/")
    page.get_by_role("button", name="Start an upgrade application").click()
    page.get_by_role("link", name="What has changed since your last award").click()
    assert page.get_by_text("Tracking meetings started in May.").is_visible()
    assert page.get_by_text("A promising start.").is_visible()
    assert page.get_by_role("cell", name="EP champion").is_visible()
    checks.no_csp_violations(page)
