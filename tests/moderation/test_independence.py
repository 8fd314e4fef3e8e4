"""Independence: a moderator sees another moderator's review of the same
application only after submitting their own, on every page, export and file,
whatever other roles they hold (panel chair, Coram staff).

Four people are assigned to one application: moderators A and B, a panel
chair, and a member of Coram staff who is also on the panel. B submits a
review full of words nobody else wrote; until each of the others submits,
nothing of it reaches them."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation.models.workflow import Recommendation
from moderation.ratings import Rating
from moderation.selectors.workflow import reviews_visible_to
from moderation.services.reviews import review_for, save_review_draft, submit_review
from tests.factories import ModeratorProfileFactory

from .builders import chair, moderator, ratings_for, screened_application, staff_user
from .test_reviewer_pages import add_evidence, client_for, every, review_post, select, tree_of

pytestmark = pytest.mark.django_db

SECRET = "Zebracorn"  # only in B's review


def staff_moderator():
    user = staff_user()
    return ModeratorProfileFactory(user=user)


@pytest.fixture
def panel():
    a, b, panel_chair, staff_member = moderator(), moderator(), chair(), staff_moderator()
    application, assignments = screened_application(moderators=[a, b, panel_chair, staff_member])
    evidence = add_evidence(application)
    return {
        "application": application,
        "evidence": evidence,
        "a": assignments[0],
        "b": assignments[1],
        "chair": assignments[2],
        "staff": assignments[3],
    }


def submit_secret_review(assignment):
    ratings = ratings_for(assignment.application, Rating.EXCEEDS)
    for entry in ratings.values():
        entry["strengths"] = f"{SECRET} strengths."
        entry["areas_to_develop"] = f"{SECRET} areas."
    return submit_review(
        actor=assignment.moderator.user,
        review=review_for(assignment),
        ratings=ratings,
        recommendation=Recommendation.NOT_AWARDED,
        summary=f"{SECRET} summary.",
    )


def submit_through_the_page(client, application):
    response = client.post(
        reverse("moderation:review", args=[application.pk]),
        review_post(
            application,
            action="submit",
            ratings=every(Rating.MEETS),
            recommendation=Recommendation.FULL,
            summary="My own summary.",
        ),
    )
    assert response.status_code == 302


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


PAGES = ("application", "review", "reviews", "reviews_export")


def assert_sees_nothing_of_bs_review(client, application, b_user):
    for name in PAGES:
        response = client.get(reverse(f"moderation:{name}", args=[application.pk]))
        assert response.status_code == 200, name
        content = response.content.decode("utf-8-sig")
        assert SECRET not in content, name
        if name != "reviews_export":
            assert b_user.get_full_name() not in content, name
    rows = csv_rows(client.get(reverse("moderation:reviews_export", args=[application.pk])))
    assert all(row["moderator"] != b_user.get_full_name() for row in rows)
    reviews_page = client.get(reverse("moderation:reviews", args=[application.pk]))
    assert "You will see the other moderators’ reviews after you submit your own" in (
        reviews_page.content.decode()
    )
    # Before the panel opens the panel's matrix is not there.
    assert client.get(reverse("moderation:consolidation", args=[application.pk])).status_code == 404


@pytest.mark.parametrize("who", ["a", "chair", "staff"])
def test_before_submitting_nobody_assigned_sees_another_review_on_any_route(panel, who):
    application = panel["application"]
    submit_secret_review(panel["b"])
    viewer = panel[who].moderator.user
    client = client_for(viewer)

    assert_sees_nothing_of_bs_review(client, application, panel["b"].moderator.user)

    # A draft of their own does not open the door either.
    client.post(
        reverse("moderation:review", args=[application.pk]),
        review_post(application, ratings={1: Rating.PARTLY_MEETS}, summary="Drafting."),
    )
    assert_sees_nothing_of_bs_review(client, application, panel["b"].moderator.user)
    rows = csv_rows(client.get(reverse("moderation:reviews_export", args=[application.pk])))
    assert {row["moderator"] for row in rows} == {viewer.get_full_name()}
    assert len(rows) == 7

    # The selector agrees, whatever roles the person holds.
    visible = list(reviews_visible_to(viewer, application))
    assert [review.assignment_id for review in visible] == [panel[who].pk]


def test_agency_evidence_is_not_a_review_every_unconflicted_moderator_downloads_it(panel):
    application, evidence = panel["application"], panel["evidence"]
    submit_secret_review(panel["b"])
    url = reverse("moderation:evidence_download", args=[application.pk, evidence.pk])
    for who in ("a", "b", "chair", "staff"):
        assert client_for(panel[who].moderator.user).get(url).status_code == 200, who


def test_after_submitting_a_moderator_sees_the_others_submitted_reviews(panel):
    application = panel["application"]
    submit_secret_review(panel["b"])
    a_user, b_user = panel["a"].moderator.user, panel["b"].moderator.user
    client = client_for(a_user)
    # The chair has a draft: drafts stay private even after A submits.
    save_review_draft(
        actor=panel["chair"].moderator.user,
        review=review_for(panel["chair"]),
        ratings={},
        recommendation="",
        summary="Chair's private draft.",
    )

    submit_through_the_page(client, application)

    page = client.get(reverse("moderation:reviews", args=[application.pk])).content.decode()
    assert SECRET in page
    assert b_user.get_full_name() in page
    assert "Chair's private draft." not in page
    assert "Still to submit" in page
    rows = csv_rows(client.get(reverse("moderation:reviews_export", args=[application.pk])))
    assert {row["moderator"] for row in rows} == {a_user.get_full_name(), b_user.get_full_name()}
    b_rows = [row for row in rows if row["moderator"] == b_user.get_full_name()]
    assert b_rows[0]["strengths"] == f"{SECRET} strengths."
    assert b_rows[0]["rating"] == "Exceeds"
    assert b_rows[0]["recommendation"] == "Not awarded"
    assert b_rows[0]["role"] == "Second moderator"
    assert [row["descriptor"] for row in b_rows] == [f"Q{number}" for number in range(1, 8)]
    assert list(rows[0]) == [
        "moderator",
        "role",
        "submitted_at",
        "recommendation",
        "descriptor",
        "rating",
        "strengths",
        "areas_to_develop",
        "summary",
    ]
    # The side-by-side table has a column each for A and B.
    tree = tree_of(client.get(reverse("moderation:reviews", args=[application.pk])))
    headers = [header.text_content() for header in select(tree, "thead th")]
    assert any("You" in header for header in headers)
    assert any(b_user.get_full_name() in header for header in headers)


def test_the_staff_moderator_is_bound_until_they_submit_then_sees_as_staff(panel):
    application = panel["application"]
    submit_secret_review(panel["b"])
    staff_member = panel["staff"].moderator.user
    assert [review.assignment_id for review in reviews_visible_to(staff_member, application)] == []

    submit_through_the_page(client_for(staff_member), application)

    visible = {review.assignment_id for review in reviews_visible_to(staff_member, application)}
    assert {panel["b"].pk, panel["staff"].pk} <= visible
    # Staff who are not on the application see every review at any time.
    assert len(list(reviews_visible_to(staff_user(), application))) == 2


def test_a_removed_moderator_sees_nothing(panel):
    application = panel["application"]
    submit_secret_review(panel["b"])
    a = panel["a"]
    a.removed_at = timezone.now()
    a.removal_reason = "Reassigned"
    a.save(update_fields=["removed_at", "removal_reason"])
    user = a.moderator.user
    assert list(reviews_visible_to(user, application)) == []
    client = client_for(user)
    for name in PAGES:
        assert client.get(reverse(f"moderation:{name}", args=[application.pk])).status_code == 404


def test_csv_cells_cannot_run_as_formulas(panel):
    application = panel["application"]
    ratings = ratings_for(application, Rating.MEETS)
    for entry in ratings.values():
        entry["strengths"] = '=HYPERLINK("http://example.com")'
    submit_review(
        actor=panel["a"].moderator.user,
        review=review_for(panel["a"]),
        ratings=ratings,
        recommendation=Recommendation.FULL,
        summary="+1 overall",
    )
    rows = csv_rows(
        client_for(panel["a"].moderator.user).get(
            reverse("moderation:reviews_export", args=[application.pk])
        )
    )
    assert rows[0]["strengths"].startswith("'=")
    assert rows[0]["summary"] == "'+1 overall"
