"""The JavaScript enhancements on a section page: live word counts and autosave."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models.submissions import Application, SectionAnswer
from applications.services.submissions import save_section, start_application
from descriptors.services import ensure_working_framework
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page's clock is Playwright's fake clock, paused: timers fire only when a
# test moves time on, so the tests never sit through autosave's pauses.
START = datetime(2026, 3, 3, 14, 30, tzinfo=ZoneInfo("Europe/London"))
PAUSED_AT = START + timedelta(minutes=2)
IDLE_MS = 3_000  # autosave waits for this pause in typing (static/js/modules/autosave.js)
PAUSE_MS = 600  # the word count waits for this pause (static/js/modules/word-count.js)


@pytest.fixture
def application():
    ensure_working_framework()
    lead = MembershipFactory(role="lead").user
    return start_application(
        actor=lead,
        agency=lead.memberships.get().agency,
        level_sought="full",
        kind="new",
    )


@pytest.fixture
def section_page(page, sign_in, application):
    """The lead signed in and looking at the Q1 section page."""
    sign_in(page, application.created_by)
    page.clock.install(time=START)
    page.goto(reverse("agency:section", args=[application.pk, "q1"]))
    page.locator("[data-qm-autosave-status]").wait_for(state="attached")
    page.clock.pause_at(PAUSED_AT)
    return page


def narrative(page):
    return page.locator("textarea[name='narrative']")


def word_count(page):
    return page.locator(".qm-word-count")


def autosave_status(page):
    return page.locator("[data-qm-autosave-status]")


def test_the_word_count_updates_live_after_a_pause(section_page, checks):
    page = section_page
    count = word_count(page)
    assert count.get_attribute("aria-live") == "polite"
    assert count.inner_text() == "You have 1,500 words remaining"

    # Count the changes to the live region while typing three words.
    page.evaluate(
        """() => {
            window.qmCountChanges = 0;
            new MutationObserver(() => { window.qmCountChanges += 1; })
                .observe(document.querySelector('.qm-word-count'),
                         {childList: true, characterData: true, subtree: true});
        }"""
    )
    narrative(page).press_sequentially("Tracking meetings monthly")
    page.clock.run_for(PAUSE_MS - 100)
    assert count.inner_text() == "You have 1,500 words remaining"  # still typing
    page.clock.run_for(100)
    assert count.inner_text() == "You have 1,497 words remaining"
    assert page.evaluate("window.qmCountChanges") == 1  # one update per pause, not per key

    narrative(page).fill("word " * 1_520)
    page.clock.run_for(PAUSE_MS)
    assert count.inner_text() == "You have 20 words too many"
    assert "qm-word-count--over" in count.get_attribute("class")
    narrative(page).fill("word " * 1_499)
    page.clock.run_for(PAUSE_MS)
    assert count.inner_text() == "You have 1 word remaining"
    assert "qm-word-count--over" not in count.get_attribute("class")
    checks.no_csp_violations(page)
    checks.no_script_failures(page)


def test_autosave_keeps_typed_text_without_pressing_a_button(section_page, application, checks):
    page = section_page
    text = "Every unborn baby with a plan for adoption is discussed at the tracking meeting."
    narrative(page).press_sequentially(text)
    page.clock.run_for(IDLE_MS - 100)
    assert autosave_status(page).inner_text() == ""  # waits for a pause in typing
    page.clock.run_for(100)

    expect(autosave_status(page)).to_have_text("Saved at 14:32")
    answer = SectionAnswer.objects.get(application=application, key="q1")
    assert answer.data["narrative"] == text
    assert answer.state == "in_progress"
    assert page.locator("input[name='version']").input_value() == str(answer.version)
    # The copy kept in the browser is dropped once the server has the text.
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('qm-autosave:'))")
    assert kept == []

    page.reload()
    assert narrative(page).input_value().strip() == text
    assert page.locator("[data-qm-autosave-restore]").count() == 0

    # Saving normally afterwards does not clash with the autosave's version.
    page.get_by_label("No, I'll come back to it later").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/agency/applications/\d+/$"))
    assert page.locator("#edit-conflict").count() == 0
    checks.no_csp_violations(page)
    checks.no_script_failures(page)


def test_unsaved_text_is_kept_in_the_browser_and_offered_back(section_page, application):
    page = section_page
    autosave_url = reverse("agency:autosave", args=[application.pk, "q1"])
    page.route(f"**{autosave_url}", lambda route: route.abort("internetdisconnected"))
    text = "Our panel adviser checks every early permanence match."
    narrative(page).fill(text)
    page.clock.run_for(IDLE_MS)

    expect(autosave_status(page)).to_contain_text("Not saved – check your connection")
    assert not SectionAnswer.objects.filter(application=application, key="q1").exists()

    page.reload()
    assert narrative(page).input_value().strip() == ""
    banner = page.locator("[data-qm-autosave-restore]")
    assert "kept changes to this section that were not saved" in banner.inner_text()

    page.unroute(f"**{autosave_url}")
    banner.get_by_role("button", name="Put back my unsaved changes").click()
    assert narrative(page).input_value() == text
    assert word_count(page).inner_text() == "You have 1,492 words remaining"
    page.clock.run_for(IDLE_MS)
    expect(autosave_status(page)).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    assert SectionAnswer.objects.get(application=application, key="q1").data["narrative"] == text


def test_autosave_stops_when_someone_else_saves_the_section(section_page, application):
    page = section_page
    colleague = MembershipFactory(agency=application.agency).user
    save_section(
        actor=colleague,
        application=application,
        key="q1",
        data={"narrative": "My colleague's version."},
        state="in_progress",
        expected_version=0,
    )
    narrative(page).fill("My own version.")
    page.clock.run_for(IDLE_MS)

    status = autosave_status(page)
    expect(status).to_contain_text(f"{colleague} has changed this section since you opened it")
    assert "Select ‘Save and come back later’ to see both versions" in status.inner_text()
    assert SectionAnswer.objects.get(application=application, key="q1").data == {
        "narrative": "My colleague's version."
    }

    page.get_by_role("button", name="Save and come back later").click()
    assert page.locator("#edit-conflict").is_visible()
    assert Application.objects.get(pk=application.pk).is_open


def test_saving_normally_waits_for_an_autosave_on_its_way(section_page, application):
    page = section_page
    autosave_url = reverse("agency:autosave", args=[application.pk, "q1"])
    held = []
    page.route(f"**{autosave_url}", lambda route: held.append(route))  # held up on the way
    narrative(page).fill("Our adoption panel hears early permanence matches.")
    page.clock.run_for(IDLE_MS)
    page.wait_for_timeout(200)  # let the request reach the route handler
    assert len(held) == 1

    page.get_by_label("No, I'll come back to it later").check()
    page.get_by_role("button", name="Save and continue").click()
    held[0].continue_()  # the autosave arrives first; then the form is sent with its version
    page.wait_for_url(re.compile(r"/agency/applications/\d+/$"))

    answer = SectionAnswer.objects.get(application=application, key="q1")
    assert answer.version == 2  # the autosave, then the normal save: no conflict
    assert answer.data["narrative"] == "Our adoption panel hears early permanence matches."
