"""A moderator's review: two tabs cannot silently overwrite each other, and a
review posted after the session ended comes back after signing in again."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from lxml import html as lxml_html

from moderation.models.workflow import Review
from tests.accounts.helpers import sign_in, totp_code
from tests.factories import ModeratorProfileFactory, enrol_totp

from .builders import moderator, screened_application
from .test_reviewer_pages import client_for, review_post

pytestmark = pytest.mark.django_db


def form_values(response) -> dict:
    tree = lxml_html.fromstring(response.content)
    (form,) = tree.xpath("//form[.//input[@name='layout']]")
    # A browser drops the newline that may follow <textarea>; lxml keeps it.
    return {name: value.removeprefix("\n") for name, value in form.form_values()}


def review_url(application):
    return reverse("moderation:review", args=[application.pk])


def test_two_tabs_of_one_review_lose_nothing():
    application, assignments = screened_application()
    user = assignments[0].moderator.user
    first_tab, second_tab = client_for(user), client_for(user)
    url = review_url(application)
    version = form_values(first_tab.get(url))["version"]
    assert form_values(second_tab.get(url))["version"] == version

    saved = first_tab.post(
        url, review_post(application, summary="From the first tab.", version=version)
    )
    assert saved.status_code == 302

    clash = second_tab.post(
        url, review_post(application, summary="From the second tab.", version=version)
    )
    assert clash.status_code == 200
    page = clash.content.decode()
    assert "Your review was saved in another tab or window" in page
    conflict = lxml_html.fromstring(clash.content).get_element_by_id("edit-conflict")
    cells = [" ".join(cell.text_content().split()) for cell in conflict.xpath(".//tr/*")]
    assert cells == [
        "Part of the review",
        "Saved version",
        "Your version",
        "Summary",
        "From the first tab.",
        "From the second tab.",
    ]
    values = form_values(clash)
    assert values["summary"] == "From the second tab."  # still in the form
    review = Review.objects.get(assignment=assignments[0])
    assert review.summary == "From the first tab."  # not overwritten
    assert values["version"] == str(review.version)

    again = second_tab.post(
        url, review_post(application, summary=values["summary"], version=values["version"])
    )
    assert again.status_code == 302
    assert Review.objects.get(assignment=assignments[0]).summary == "From the second tab."


def test_a_stale_tab_cannot_submit_over_a_newer_draft():
    application, assignments = screened_application()
    user = assignments[0].moderator.user
    first_tab, second_tab = client_for(user), client_for(user)
    url = review_url(application)
    version = form_values(first_tab.get(url))["version"]
    first_tab.post(url, review_post(application, summary="Newer.", version=version))
    ratings = dict.fromkeys(range(1, 8), 2)
    stale = second_tab.post(
        url,
        review_post(
            application,
            action="submit",
            ratings=ratings,
            recommendation="full",
            summary="Older.",
            version=version,
        ),
    )
    assert stale.status_code == 200
    review = Review.objects.get(assignment=assignments[0])
    assert not review.is_submitted and review.summary == "Newer."


def test_a_review_posted_after_the_session_ended_comes_back_after_signing_in():
    profile = ModeratorProfileFactory()
    secret = enrol_totp(profile.user)
    application, _ = screened_application(moderators=[profile, moderator()])
    client = client_for(profile.user)
    url = review_url(application)
    version = form_values(client.get(url))["version"]
    Session.objects.filter(session_key=client.session.session_key).delete()  # timed out

    typed = "Strong tracking of every baby.\nThe panel should see the audit."
    posted = client.post(
        url, review_post(application, summary=typed, version=version, layout="reading")
    )
    assert posted.status_code == 302
    login = urlsplit(posted["Location"])
    assert login.path == reverse("account_login")
    assert parse_qs(login.query)["next"] == [url]
    assert not Review.objects.filter(summary=typed).exists()

    sign_in(client, profile.user.email, next=url)
    back = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert back["Location"] == url
    page = client.get(url)
    assert "We kept what you typed" in page.content.decode()
    values = form_values(page)
    assert values["summary"] == typed
    assert values["q1_strengths"] == "Strength noted on Q1."
    assert values["version"] == version
    assert client.post(url, {**values, "action": "save"}).status_code == 302
    assert Review.objects.get(assignment__moderator=profile).summary == typed
