"""A session that ends mid-edit loses nothing: the posted answers are kept,
the person signs in again and comes back to the same page with them."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from applications.middleware import RESCUE_KEY
from applications.models.submissions import SectionAnswer
from applications.services.submissions import save_section
from tests.accounts.helpers import sign_in
from tests.factories import PASSWORD, MembershipFactory

from .application_data import Page

pytestmark = pytest.mark.django_db

TYPED = "Every baby with a possible adoption plan is discussed at our monthly tracking meeting."


def section_url(application, key="q1"):
    return reverse("agency:section", args=[application.pk, key])


def expire_session(client):
    """What happens when a session times out: the browser still sends its
    cookie, but the server no longer knows it."""
    Session.objects.filter(session_key=client.session.session_key).delete()


def sign_in_again(client, redirect_response, user):
    """Follow the redirect to the sign-in page and sign in there, as a person would."""
    login_page = client.get(redirect_response["Location"])
    assert login_page.status_code == 200
    return client.post(redirect_response["Location"], {"login": user.email, "password": PASSWORD})


@pytest.fixture
def member_browser(client, member):
    sign_in(client, member.email)
    assert "_auth_user_id" in client.session
    return client


@pytest.mark.parametrize("how", ["expired", "signed out"])
def test_answers_posted_after_the_session_ended_come_back_after_signing_in(
    member_browser, member, draft, how
):
    client = member_browser
    form = Page(client.get(section_url(draft)))
    version = form.value("version")
    if how == "expired":
        expire_session(client)
    else:
        client.logout()

    posted = client.post(
        section_url(draft),
        {"version": version, "narrative": TYPED, "completed": "no", "save": "Save and continue"},
    )

    assert posted.status_code == 302
    login = urlsplit(posted["Location"])
    assert login.path == reverse("account_login")
    assert parse_qs(login.query)["next"] == [section_url(draft)]
    assert not SectionAnswer.objects.filter(application=draft).exists()

    signed_in = sign_in_again(client, posted, member)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == section_url(draft)

    page = Page(client.get(signed_in["Location"]))
    assert page.value("narrative") == TYPED
    assert page.value("completed") == "no"
    assert page.value("version") == version
    assert page.contains("We kept what you typed")
    # Nothing is saved until they save it.
    assert not SectionAnswer.objects.filter(application=draft).exists()

    saved = client.post(
        section_url(draft),
        {
            "version": page.value("version"),
            "narrative": page.value("narrative"),
            "completed": page.value("completed"),
            "save": "",
        },
    )
    assert saved.status_code == 302
    answer = SectionAnswer.objects.get(application=draft, key="q1")
    assert answer.data["narrative"] == TYPED
    assert answer.updated_by == member


def test_the_rescued_answers_are_given_back_once(member_browser, member, draft):
    client = member_browser
    expire_session(client)
    posted = client.post(
        section_url(draft), {"version": 0, "narrative": TYPED, "later": "Save and come back later"}
    )
    sign_in_again(client, posted, member)

    assert Page(client.get(section_url(draft))).value("narrative") == TYPED
    assert Page(client.get(section_url(draft))).value("narrative") == ""


def test_rescued_answers_are_only_given_back_on_the_same_page(member_browser, member, draft):
    client = member_browser
    expire_session(client)
    posted = client.post(
        section_url(draft, "ep-data"),
        {"version": 0, "ffa_placements": "7", "children_placed_for_adoption": "30", "later": ""},
    )
    sign_in_again(client, posted, member)

    # Another section, and the task list, know nothing of them.
    other = Page(client.get(section_url(draft, "about")))
    assert not other.contains("We kept what you typed")
    assert other.value("contact_name") in (None, "")
    assert client.get(reverse("agency:application", args=[draft.pk])).status_code == 200
    assert RESCUE_KEY in client.session

    page = Page(client.get(section_url(draft, "ep-data")))
    assert page.value("ffa_placements") == "7"
    assert page.value("children_placed_for_adoption") == "30"
    assert client.session[RESCUE_KEY] == {}


def test_a_save_made_by_someone_else_meanwhile_is_not_overwritten(
    member_browser, member, lead, draft
):
    client = member_browser
    version = Page(client.get(section_url(draft))).value("version")
    expire_session(client)
    posted = client.post(section_url(draft), {"version": version, "narrative": TYPED, "save": ""})
    # While the member is signed out, the lead saves the same section.
    save_section(
        actor=lead,
        application=draft,
        key="q1",
        data={"narrative": "The lead's text."},
        state="in_progress",
        expected_version=0,
    )
    sign_in_again(client, posted, member)
    page = Page(client.get(section_url(draft)))
    assert page.value("narrative") == TYPED

    conflict = client.post(
        section_url(draft),
        {"version": page.value("version"), "narrative": TYPED, "completed": "no", "save": ""},
    )

    assert conflict.status_code == 409
    assert SectionAnswer.objects.get(application=draft, key="q1").data == {
        "narrative": "The lead's text."
    }


def test_someone_from_another_agency_signing_in_gets_nothing(client, member, draft, framework):
    sign_in(client, member.email)
    expire_session(client)
    posted = client.post(section_url(draft), {"version": 0, "narrative": TYPED, "save": ""})
    outsider = MembershipFactory().user

    sign_in_again(client, posted, outsider)

    assert client.get(section_url(draft)).status_code == 404


def test_only_section_pages_are_rescued(member_browser, draft):
    client = member_browser
    expire_session(client)

    response = client.post(reverse("agency:withdraw", args=[draft.pk]), {"reason": "No"})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")
    assert RESCUE_KEY not in client.session


def test_files_and_tokens_are_not_kept(member_browser, draft):
    client = member_browser
    expire_session(client)

    client.post(
        section_url(draft),
        {"version": 0, "narrative": TYPED, "csrfmiddlewaretoken": "x", "upload": "Upload file"},
    )

    kept = client.session[RESCUE_KEY][section_url(draft)]
    assert kept == {"version": "0", "narrative": TYPED}


def test_an_anonymous_session_keeps_only_a_few_drafts(client, draft):
    from applications.middleware import MAX_DRAFTS

    for number in range(1, 8):
        client.post(f"/agency/applications/{draft.pk + number}/sections/q1/", {"narrative": "x"})
    client.post(section_url(draft), {"narrative": TYPED})

    drafts = client.session[RESCUE_KEY]
    assert len(drafts) == MAX_DRAFTS
    assert drafts[section_url(draft)] == {"narrative": TYPED}


def test_answers_posted_after_the_sign_in_time_limit_come_back_too(client, member, draft):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, member.email)
        clock.move_to(start + timedelta(hours=7, minutes=50))
        form = Page(client.get(section_url(draft)))
        session = client.session
        session["busy"] = True  # a write, as a saved draft or a message makes
        session.save()
        clock.move_to(start + timedelta(hours=8, minutes=5))
        posted = client.post(
            section_url(draft),
            {"version": form.value("version"), "narrative": TYPED, "save": "Save and continue"},
        )
        assert urlsplit(posted["Location"]).path == reverse("account_login")
        login_page = client.get(posted["Location"]).content.decode()
        assert "because you had been signed in for 8 hours" in login_page
        assert "put back what you typed" in login_page
        sign_in_again(client, posted, member)
        assert Page(client.get(section_url(draft))).value("narrative") == TYPED
