"""From the panel's decision to a published register entry and a valid
verification page, with Coram staff publishing in a real browser."""

import pytest

from moderation.models.workflow import Recommendation
from tests.accounts.helpers import totp_code
from tests.awards.builders import Panel
from tests.factories import AgencyFactory, UserFactory, enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_tasks():
    """Make the certificate in-process even where REDIS_URL (as in CI) sends jobs to a broker."""
    from qualitymark.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def sign_in_with_authenticator(page, sign_in, user, secret):
    sign_in(page, user)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def test_staff_publish_an_award_and_the_public_can_find_and_verify_it(
    page, browser, live_server, sign_in, checks, eager_tasks
):
    agency = AgencyFactory(name="Heathland Early Families", region="south_east", agency_type="vaa")
    award = Panel().award(agency=agency, outcome=Recommendation.FULL)
    assert award.certificates.filter(is_current=True).exists()  # made after the decision

    staff = UserFactory(is_coram_staff=True, full_name="Robin Staff")
    secret = enrol_totp(staff)
    sign_in_with_authenticator(page, sign_in, staff, secret)

    page.goto("/staff/awards/")
    page.get_by_role("link", name="Heathland Early Families").click()
    page.wait_for_url(f"**/staff/awards/{award.pk}/")
    assert page.get_by_text("Not published").first.is_visible()
    page.get_by_role("button", name="Publish to the register").click()
    page.wait_for_url(f"**/staff/awards/{award.pk}/publish/")
    page.get_by_label("Note for the record (optional)").fill("Announced at the spring panel.")
    page.get_by_role("button", name="Publish to the register").click()
    page.wait_for_url(f"**/staff/awards/{award.pk}/")
    assert page.get_by_text("Heathland Early Families is now on the public register.").is_visible()
    checks.no_csp_violations(page)

    # A member of the public, with a browser of their own.
    public = browser.new_context(base_url=live_server.url, locale="en-GB")
    visitor = public.new_page()
    visitor.goto("/register/")
    visitor.get_by_label("Agency name").fill("heathland")
    visitor.get_by_label("Region", exact=True).select_option(label="South East")
    visitor.get_by_role("button", name="Search the register").click()
    visitor.wait_for_url("**/register/?*")
    row = visitor.locator("tbody tr", has_text="Heathland Early Families")
    assert row.count() == 1
    assert "Current" in row.inner_text() and award.number in row.inner_text()

    visitor.goto(award.verify_path)
    assert visitor.get_by_role("heading", name="This certificate is valid").is_visible()
    assert visitor.get_by_text(f"until {award.expires_on:%-d %B %Y}").first.is_visible()
    visitor.get_by_role("link", name="Heathland Early Families on the register").click()
    visitor.wait_for_url(f"**/register/agencies/{agency.slug}/")
    badge = visitor.locator(f"img[src='/badge/{agency.slug}.svg']")
    assert badge.evaluate("image => image.complete && image.naturalWidth > 0")
    assert public.cookies() == []  # the public pages set no cookies
    public.close()
