"""Who can open and use each applicant page. A page outside someone's reach is
simply not there (404); signing in is asked for first."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from applications.models.submissions import SectionAnswer
from applications.services.submissions import save_section, sign_declaration, submit_application
from tests.factories import MembershipFactory

from .application_data import Page, complete_every_section
from .helpers import make_staff

pytestmark = pytest.mark.django_db

NARRATIVE = "Early permanence is considered for every baby with a possible adoption plan."


def urls(application):
    pk = application.pk
    return {
        "application": reverse("agency:application", args=[pk]),
        "section": reverse("agency:section", args=[pk, "q1"]),
        "autosave": reverse("agency:autosave", args=[pk, "q1"]),
        "identifiers": reverse("agency:identifiers", args=[pk]),
        "declaration": reverse("agency:declaration", args=[pk]),
        "check_answers": reverse("agency:check_answers", args=[pk]),
        "submitted": reverse("agency:submitted", args=[pk]),
        "withdraw": reverse("agency:withdraw", args=[pk]),
        "application_start": reverse("agency:application_start", args=[application.agency.slug]),
    }


POSTS = {
    "section": {"version": 0, "narrative": NARRATIVE, "later": ""},
    "autosave": {"version": 0, "narrative": NARRATIVE},
    "identifiers": {"source": "q1", "kind": "email", "text": "someone@example.com"},
    "declaration": {
        "name": "Someone",
        "role": "Social worker",
        "confirm_accurate": "on",
        "confirm_anonymous": "on",
    },
    "check_answers": {},
    "withdraw": {"reason": "Not for us."},
    "application_start": {"kind": "new", "level_sought": "full"},
}
PAGES = [
    "application",
    "section",
    "autosave",
    "identifiers",
    "declaration",
    "check_answers",
    "submitted",
    "withdraw",
    "application_start",
]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_unchanged(application):
    application.refresh_from_db()
    assert application.status == "draft"
    assert not application.is_declared
    assert not SectionAnswer.objects.filter(application=application).exists()
    assert application.agency.applications.count() == 1


# --- People with no access ----------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_people_are_asked_to_sign_in(client, draft, page):
    url = urls(draft)[page]
    responses = [client.post(url, POSTS.get(page, {}))]
    if page != "autosave":
        responses.append(client.get(url))

    for response in responses:
        assert response.status_code == 302
        login = urlsplit(response["Location"])
        assert login.path == reverse("account_login")
        assert f"next={url}" in response["Location"]
    assert_unchanged(draft)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["member", "lead"])
def test_people_from_another_agency_find_nothing(draft, page, role):
    outsider = MembershipFactory(role=role).user
    client = client_for(outsider)
    url = urls(draft)[page]

    if page != "autosave":
        assert client.get(url).status_code == 404
    assert client.post(url, POSTS.get(page, {})).status_code == 404
    assert_unchanged(draft)


@pytest.mark.parametrize("page", PAGES)
def test_coram_staff_use_their_own_pages_not_the_agencys(draft, page):
    client = client_for(make_staff())
    url = urls(draft)[page]

    if page != "autosave":
        assert client.get(url).status_code == 404
    assert client.post(url, POSTS.get(page, {})).status_code == 404
    assert_unchanged(draft)


# --- A member of the agency ---------------------------------------------------------------


def test_a_member_can_view_and_edit_a_draft(member_client, member, draft):
    pages = urls(draft)
    for page in ("application", "section", "identifiers", "declaration", "check_answers"):
        assert member_client.get(pages[page]).status_code == 200, page

    saved = member_client.post(pages["section"], POSTS["section"])
    assert saved.status_code == 302
    answer = SectionAnswer.objects.get(application=draft, key="q1")
    assert answer.updated_by == member

    autosaved = member_client.post(pages["autosave"], {"version": 1, "narrative": "More."})
    assert autosaved.status_code == 200
    answer.refresh_from_db()
    assert answer.data["narrative"] == "More."


def test_a_member_cannot_sign_submit_withdraw_or_start(member_client, lead, member, draft):
    complete_every_section(draft, lead)
    pages = urls(draft)

    declaration = member_client.post(pages["declaration"], POSTS["declaration"])
    assert declaration.status_code == 200
    assert Page(declaration).contains("Only an agency lead can sign the declaration.")
    draft.refresh_from_db()
    assert not draft.is_declared

    sign_declaration(actor=lead, application=draft, name="Pat Lead", role="Head of Service")
    check = Page(member_client.get(pages["check_answers"]))
    assert check.contains("Only an agency lead can submit the application.")
    assert not any(
        element.name == "button" and "Submit application" in check.text(element)
        for element in check.elements()
    )
    assert member_client.post(pages["check_answers"]).status_code == 404

    assert member_client.get(pages["withdraw"]).status_code == 404
    assert member_client.post(pages["withdraw"], POSTS["withdraw"]).status_code == 404
    assert member_client.post(pages["identifiers"], POSTS["identifiers"]).status_code == 404
    assert member_client.get(pages["application_start"]).status_code == 404

    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.is_declared
    assert not draft.identifier_confirmations.exists()


def test_the_task_list_tells_a_member_what_only_a_lead_can_do(member_client, draft):
    page = Page(member_client.get(urls(draft)["application"]))

    assert not page.contains("Withdraw this application")
    declaration = Page(member_client.get(urls(draft)["declaration"]))
    assert declaration.contains("Ask a lead at")


# --- The lead -----------------------------------------------------------------------------


def test_a_lead_can_do_everything_on_a_draft(
    lead_client, lead, draft, django_capture_on_commit_callbacks
):
    pages = urls(draft)
    for page in ("application", "section", "identifiers", "declaration", "check_answers"):
        assert lead_client.get(pages[page]).status_code == 200, page
    assert lead_client.get(pages["withdraw"]).status_code == 200
    # The draft has not been submitted, so there is no confirmation to show.
    assert lead_client.get(pages["submitted"])["Location"] == pages["application"]

    complete_every_section(draft, lead)
    signed = lead_client.post(pages["declaration"], POSTS["declaration"])
    assert signed["Location"] == pages["check_answers"]
    with django_capture_on_commit_callbacks(execute=True):
        submitted = lead_client.post(pages["check_answers"])
    assert submitted["Location"] == pages["submitted"]
    assert lead_client.get(pages["submitted"]).status_code == 200


# --- After submission ---------------------------------------------------------------------


@pytest.fixture
def submitted(lead, draft, django_capture_on_commit_callbacks):
    complete_every_section(draft, lead)
    sign_declaration(actor=lead, application=draft, name="Pat Lead", role="Head of Service")
    with django_capture_on_commit_callbacks(execute=True):
        return submit_application(actor=lead, application=draft)


@pytest.mark.parametrize("who", ["lead", "member"])
def test_nothing_can_be_changed_after_submission(who, lead, member, submitted):
    client = client_for(lead if who == "lead" else member)
    pages = urls(submitted)
    before = {answer.key: (answer.data, answer.version) for answer in submitted.answers.all()}

    # The task list becomes a read-only view of what was sent.
    view = Page(client.get(pages["application"]))
    assert view.contains(f"Application {submitted.reference}")
    links = [view.attr(element, "href") for element in view.elements() if element.name == "a"]
    assert pages["section"] not in links

    section_get = client.get(pages["section"])
    assert section_get.status_code == 302
    assert section_get["Location"] == pages["application"]
    section_post = client.post(
        pages["section"], {"version": 1, "narrative": "Changed.", "completed": "yes", "save": ""}
    )
    assert section_post.status_code == 302
    assert section_post["Location"] == pages["application"]

    autosave = client.post(pages["autosave"], {"version": 1, "narrative": "Changed."})
    assert autosave.status_code == 403
    assert autosave.json() == {"saved": False, "locked": True}

    assert client.get(pages["declaration"])["Location"] == pages["application"]
    assert (
        client.post(pages["declaration"], POSTS["declaration"])["Location"]
        == (pages["application"])
    )
    assert client.get(pages["check_answers"])["Location"] == pages["application"]
    # A second submit shows the confirmation of the first (issue 10).
    assert client.post(pages["check_answers"])["Location"] == reverse(
        "agency:submitted", args=[submitted.pk]
    )
    confirm = client.post(pages["identifiers"], POSTS["identifiers"])
    assert confirm.status_code in (302, 404)

    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    after = {answer.key: (answer.data, answer.version) for answer in submitted.answers.all()}
    assert after == before
    assert not submitted.identifier_confirmations.exists()


def test_the_service_refuses_changes_after_submission(lead, submitted):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        save_section(
            actor=lead,
            application=submitted,
            key="q1",
            data={"narrative": "Changed."},
            state="completed",
            expected_version=1,
        )
    with pytest.raises(PermissionDenied):
        sign_declaration(actor=lead, application=submitted, name="Pat", role="Head")


def test_after_submission_only_the_lead_can_withdraw(lead_client, member_client, submitted):
    pages = urls(submitted)
    assert lead_client.get(pages["withdraw"]).status_code == 200
    assert member_client.get(pages["withdraw"]).status_code == 404
    assert Page(lead_client.get(pages["application"])).contains("Withdraw this application")
    assert not Page(member_client.get(pages["application"])).contains("Withdraw this application")
