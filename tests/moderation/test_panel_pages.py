"""The panel's pages: applications at panel, the consolidated matrix and its
suggested outcome, panel meetings and their quorum, recording a decision and
correcting it."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from lxml import html as lxml_html

from moderation.models.workflow import Decision, Recommendation
from moderation.ratings import Rating
from moderation.selectors.panel import consolidation_for
from moderation.services.panel import (
    create_meeting,
    current_decision,
    record_decision,
    set_meeting_details,
)
from moderation.services.reviews import review_for, submit_review
from qualitymark.audit.models import AuditEvent
from tests.factories import MembershipFactory

from .builders import chair, moderator, ratings_for, screened_application, staff_user

pytestmark = pytest.mark.django_db

EXCEEDS, MEETS, PARTLY, NOT_YET = (
    Rating.EXCEEDS,
    Rating.MEETS,
    Rating.PARTLY_MEETS,
    Rating.NOT_YET_EVIDENCED,
)


# --- builders (shared with test_agency_pages) ---------------------------------------------------


def submit_ratings(assignment, overrides=None, *, default=MEETS, recommendation=None, who=""):
    """Submit a review rating every descriptor `default`, except {number: rating}
    in overrides. Comments name `who`, so each moderator's are told apart."""
    application = assignment.application
    ratings = ratings_for(application, default)
    for descriptor in application.framework.descriptors.all():
        entry = ratings[descriptor.pk]
        entry["rating"] = (overrides or {}).get(descriptor.number, default)
        if who:
            entry["strengths"] = f"{who} found strong practice on {descriptor.code}."
            entry["areas_to_develop"] = f"{who} suggests developing {descriptor.code}."
    return submit_review(
        actor=assignment.moderator.user,
        review=review_for(assignment),
        ratings=ratings,
        recommendation=recommendation or Recommendation.FULL,
        summary=f"Summary by {who or 'a moderator'}.",
    )


def at_panel(*, level="full", reviews=None, moderators=None):
    """An application at panel. reviews: one {number: rating} per moderator."""
    application, assignments = screened_application(level=level, moderators=moderators)
    reviews = reviews or [{} for _ in assignments]
    for index, (assignment, overrides) in enumerate(zip(assignments, reviews, strict=True)):
        submit_ratings(assignment, overrides, who=f"Moderator {index + 1}")
    application.refresh_from_db()
    assert application.status == "panel"
    return application, assignments


def meeting_for(application, *, panel_chair, members=None, staff=None):
    """A quorate meeting (the chair and two more) with the application on its agenda."""
    staff = staff or staff_user()
    members = members if members is not None else [panel_chair, moderator(), moderator()]
    meeting = create_meeting(
        actor=staff, held_on=timezone.localdate(), chair=panel_chair, title="Spring panel"
    )
    set_meeting_details(actor=staff, meeting=meeting, members_present=members, agenda=[application])
    return meeting


def decision_post(application, meeting=None, **overrides) -> dict:
    data = {
        "outcome": Recommendation.FULL,
        "departure_reason": "",
        "rationale": "Every descriptor is well evidenced.",
    }
    if meeting is not None:
        data["meeting"] = meeting.pk
    for descriptor in application.framework.descriptors.all():
        data[f"strengths_{descriptor.pk}"] = f"The panel praises {descriptor.code}."
        data[f"areas_{descriptor.pk}"] = f"The panel asks for more on {descriptor.code}."
    data.update(overrides)
    return data


def decided_application(*, outcome=Recommendation.FULL, **kwargs):
    """An application decided through the services; returns (application, decision, chair)."""
    application, _ = at_panel(**kwargs)
    panel_chair = chair()
    meeting = meeting_for(application, panel_chair=panel_chair)
    feedback = {
        descriptor.pk: {
            "strengths": f"The panel praises {descriptor.code}.",
            "areas_to_develop": f"The panel asks for more on {descriptor.code}.",
        }
        for descriptor in application.framework.descriptors.all()
    }
    suggested = consolidation_for(application).suggested_outcome
    decision = record_decision(
        actor=panel_chair.user,
        application=application,
        meeting=meeting,
        outcome=outcome,
        rationale="Every descriptor is well evidenced.",
        feedback=feedback,
        departure_reason="" if outcome == suggested else "The panel weighed the data.",
    )
    application.refresh_from_db()
    return application, decision, panel_chair


# --- reading pages -------------------------------------------------------------------------------


def page(response):
    assert response.status_code == 200, response.status_code
    return lxml_html.fromstring(response.content.decode())


def text_of(tree, selector_id: str) -> str:
    found = tree.get_element_by_id(selector_id)
    return " ".join(found.text_content().split())


def cells(tree, row_id: str) -> list[str]:
    row = tree.get_element_by_id(row_id)
    return [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]


def error_summary(tree) -> str:
    summary = tree.find_class("govuk-error-summary")
    return " ".join(summary[0].text_content().split()) if summary else ""


def field_error(tree, name: str) -> str:
    errors = tree.xpath(
        f'//*[@id="id_{name}_error" or @id="{name}_error" or @id="id_{name}-error"]'
    )
    if errors:
        return " ".join(errors[0].text_content().split())
    group = tree.xpath(f'//*[@name="{name}"]/ancestor::div[contains(@class,"govuk-form-group")]')
    messages = group[0].find_class("govuk-error-message") if group else []
    return " ".join(messages[0].text_content().split()) if messages else ""


def login(client, user):
    client.force_login(user)
    return client


def consolidation_url(application):
    return reverse("moderation:consolidation", args=[application.pk])


def decide_url(application):
    return reverse("moderation:decide", args=[application.pk])


def correct_url(application):
    return reverse("moderation:correct_decision", args=[application.pk])


# --- the consolidated matrix --------------------------------------------------------------------


def test_the_matrix_shows_each_moderators_ratings_and_flags_disagreements(client):
    application, assignments = at_panel(reviews=[{1: EXCEEDS, 2: EXCEEDS}, {1: PARTLY, 2: MEETS}])
    tree = page(login(client, chair().user).get(consolidation_url(application)))

    header = [
        " ".join(th.text_content().split()) for th in tree.xpath('//*[@id="matrix"]//thead//th')
    ]
    lead, second = (assignment.moderator.user.get_full_name() for assignment in assignments)
    assert header == [
        "Descriptor",
        f"{lead} Lead moderator",
        f"{second} Second moderator",
        "Consolidated",
    ]
    q1 = cells(tree, "descriptor-Q1")
    assert q1[1:] == ["Exceeds", "Partly meets", "Partly meets Not met"]
    assert "Disagreement" in q1[0]
    assert tree.get_element_by_id("descriptor-Q1").get("data-disagreement") == "true"
    # One step apart is not a disagreement; the consolidated rating is the lower.
    q2 = cells(tree, "descriptor-Q2")
    assert q2[1:] == ["Exceeds", "Meets", "Meets Met"]
    assert "Disagreement" not in q2[0]
    assert tree.get_element_by_id("descriptor-Q2").get("data-disagreement") is None
    assert "disagree on Q1:" in text_of(tree, "disagreements")

    assert cells(tree, "recommendations")[1:] == ["Full", "Full", "Suggested: Working Towards"]
    assert cells(tree, "summaries")[1:3] == ["Summary by Moderator 1.", "Summary by Moderator 2."]
    assert text_of(tree, "suggested-outcome") == "Suggested outcome: Working Towards"
    rule = text_of(tree, "rule")
    assert "lower middle" in rule
    assert "none is rated ‘Not yet evidenced’" in rule
    assert "two or more steps apart" in rule
    second_review = assignments[1].review
    comments = text_of(tree, f"review-{second_review.pk}")
    assert comments.startswith(f"Comments from {second} (second moderator)")
    assert "Moderator 2 found strong practice on Q1." in comments
    assert "Moderator 1" not in comments
    assert tree.xpath(f'//a[@href="{decide_url(application)}"]')


@pytest.mark.parametrize(
    ("level", "reviews", "expected"),
    [
        ("full", [{}, {}], "Full"),
        ("full", [{5: PARTLY, 6: PARTLY, 7: PARTLY}, {}], "Working Towards"),
        ("full", [{1: PARTLY, 2: PARTLY, 3: PARTLY, 4: PARTLY}, {}], "Not awarded"),
        ("full", [{7: NOT_YET}, {7: NOT_YET}], "Not awarded"),
        ("working_towards", [{n: EXCEEDS for n in range(1, 8)}, {}], "Working Towards"),
    ],
    ids=["all-meet", "most-meet", "too-few-meet", "not-yet-evidenced", "capped"],
)
def test_the_suggested_outcome_follows_the_documented_rule(client, level, reviews, expected):
    application, _ = at_panel(level=level, reviews=reviews)
    tree = page(login(client, chair().user).get(consolidation_url(application)))
    assert text_of(tree, "suggested-outcome") == f"Suggested outcome: {expected}"
    capped = tree.xpath('//*[@id="capped"]')
    assert bool(capped) == (level == "working_towards")


def test_the_consolidation_page_runs_the_same_queries_for_two_or_four_moderators(client):
    panel_chair = chair()
    login(client, panel_chair.user)

    def queries(count):
        application, _ = at_panel(
            moderators=[moderator() for _ in range(count)], reviews=[{} for _ in range(count)]
        )
        client.get(consolidation_url(application))  # warm up the session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(consolidation_url(application))
        assert response.status_code == 200
        return len(captured)

    assert queries(2) == queries(4)


# --- who reaches the panel pages -----------------------------------------------------------------


def test_only_unconflicted_chairs_and_staff_reach_the_panel_pages(client):
    application, assignments = at_panel()
    conflicted = chair()
    conflicted.affiliated_agencies.add(application.agency)
    outsider_member = MembershipFactory().user
    for user in (moderator().user, conflicted.user, assignments[0].moderator.user, outsider_member):
        login(client, user)
        for url in (consolidation_url(application), decide_url(application)):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(decide_url(application), {}).status_code == 404
    # The conflicted chair does not see it listed either.
    login(client, conflicted.user)
    assert application.reference not in client.get(reverse("moderation:panel")).content.decode()

    # Coram staff can look at the matrix but only a chair records the decision.
    login(client, staff_user())
    tree = page(client.get(consolidation_url(application)))
    assert not tree.xpath(f'//a[@href="{decide_url(application)}"]')
    assert client.get(decide_url(application)).status_code == 404

    good_chair = chair()
    login(client, good_chair.user)
    listing = page(client.get(reverse("moderation:panel")))
    assert application.reference in text_of(listing, "at-panel")
    assert client.get(consolidation_url(application)).status_code == 200


# --- panel meetings and the quorum --------------------------------------------------------------


def test_staff_arrange_a_meeting_and_the_quorum_leaves_out_conflicted_members(client, settings):
    settings.PANEL_QUORUM = 3
    application, _ = at_panel()
    panel_chair = chair()
    colleague = moderator()
    linked = moderator()
    linked.affiliated_agencies.add(application.agency)  # conflicted: does not count
    login(client, staff_user())

    today = timezone.localdate()
    response = client.post(
        reverse("staff:meeting_create"),
        {
            "held_on_0": today.day,
            "held_on_1": today.month,
            "held_on_2": today.year,
            "title": "Spring panel",
            "chair": panel_chair.pk,
        },
    )
    meeting = panel_chair.chaired_meetings.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:meeting", args=[meeting.pk])
    assert AuditEvent.objects.filter(action="panel.meeting_created").exists()

    response = client.post(
        reverse("staff:meeting", args=[meeting.pk]),
        {
            "members_present": [panel_chair.pk, colleague.pk, linked.pk],
            "agenda": [application.pk],
            "notes": "Held online.",
        },
    )
    assert response.status_code == 302
    tree = page(client.get(reverse("staff:meeting", args=[meeting.pk])))
    row = text_of(tree, f"agenda-{application.pk}")
    assert "Not quorate" in row
    assert "2 of 3 needed" in row
    assert linked.user.get_full_name() in row
    assert tree.xpath(
        f'//*[@id="agenda-{application.pk}"]//a[@href="{consolidation_url(application)}"]'
    )

    # The chair sees the same on the decision page, and the service refuses.
    login(client, panel_chair.user)
    tree = page(client.get(decide_url(application)))
    assert "not quorate: 2 present without a conflict, 3 needed" in tree.text_content()
    tree = page(client.post(decide_url(application), decision_post(application, meeting)))
    assert "not quorate" in error_summary(tree)
    application.refresh_from_db()
    assert application.status == "panel"

    # One more member without a conflict makes it quorate.
    set_meeting_details(
        actor=staff_user(),
        meeting=meeting,
        members_present=[panel_chair, colleague, linked, moderator()],
        agenda=[application],
    )
    login(client, staff_user())
    row = text_of(
        page(client.get(reverse("staff:meeting", args=[meeting.pk]))), f"agenda-{application.pk}"
    )
    assert "Quorate" in row and "3 of 3 needed" in row
    listing = page(client.get(reverse("staff:meetings")))
    assert "Spring panel" in text_of(listing, "meetings")


def test_meeting_pages_are_for_staff_only(client):
    application, _ = at_panel()
    panel_chair = chair()
    meeting = meeting_for(application, panel_chair=panel_chair)
    for user in (panel_chair.user, moderator().user):
        login(client, user)
        for url in (
            reverse("staff:meetings"),
            reverse("staff:meeting_create"),
            reverse("staff:meeting", args=[meeting.pk]),
        ):
            assert client.get(url).status_code == 404


def test_a_decided_application_stays_on_the_agenda_when_the_meeting_is_saved(client):
    application, decision, panel_chair = decided_application()
    meeting = decision.meeting
    login(client, staff_user())
    response = client.post(
        reverse("staff:meeting", args=[meeting.pk]),
        {
            "members_present": [member.pk for member in meeting.members_present.all()],
            "agenda": [application.pk],
            "notes": "Minutes approved.",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.notes == "Minutes approved."
    assert list(meeting.agenda.all()) == [application]


# --- recording the decision --------------------------------------------------------------------


def test_the_chair_records_the_decision_with_feedback_prefilled_from_the_reviews(
    client, django_capture_on_commit_callbacks
):
    application, _ = at_panel()
    panel_chair = chair()
    meeting = meeting_for(application, panel_chair=panel_chair)
    login(client, panel_chair.user)

    tree = page(client.get(decide_url(application)))
    q1 = application.framework.descriptors.get(number=1)
    strengths = tree.get_element_by_id(f"id_strengths_{q1.pk}").text_content()
    assert strengths.strip() == (
        "Moderator 1 found strong practice on Q1.\n\nModerator 2 found strong practice on Q1."
    )
    areas = tree.get_element_by_id(f"id_areas_{q1.pk}").text_content()
    assert "Moderator 2 suggests developing Q1." in areas
    checked = tree.xpath('//input[@name="outcome"][@checked]')
    assert [item.get("value") for item in checked] == [Recommendation.FULL]
    assert "Full (suggested)" in tree.text_content()
    assert tree.xpath(f'//input[@name="meeting"][@value="{meeting.pk}"][@checked]')
    assert "– quorate: 3 present without a conflict, 3 needed" in tree.text_content()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(application),
            decision_post(
                application,
                meeting,
                **{f"strengths_{q1.pk}": "Edited by the chair: excellent tracking."},
            ),
        )
    assert response.status_code == 302
    assert response["Location"] == decide_url(application)
    application.refresh_from_db()
    assert application.status == "decided"
    decision = Decision.objects.get(application=application)
    assert decision.outcome == decision.suggested_outcome == Recommendation.FULL
    assert decision.meeting == meeting
    assert decision.feedback.get(descriptor=q1).strengths == (
        "Edited by the chair: excellent tracking."
    )
    assert AuditEvent.objects.filter(action="application.decide").exists()

    lead = application.agency.memberships.get(role="lead").user
    decided_mail = [m for m in mail.outbox if "decided" in m.body or "decision" in m.subject]
    assert decided_mail and lead.email in decided_mail[0].to

    confirmation = page(client.get(decide_url(application)))
    assert "Decision recorded" in text_of(confirmation, "confirmation")
    assert not confirmation.xpath('//input[@name="outcome"]')
    # The confirmation shows once; afterwards the page is the record.
    again = page(client.get(decide_url(application)))
    assert not again.xpath('//*[@id="confirmation"]')
    assert "Full" in text_of(again, "decision")


def test_departing_from_the_suggestion_needs_a_reason(client):
    application, _ = at_panel()
    panel_chair = chair()
    meeting = meeting_for(application, panel_chair=panel_chair)
    login(client, panel_chair.user)
    q2 = application.framework.descriptors.get(number=2)

    tree = page(
        client.post(
            decide_url(application),
            decision_post(
                application,
                meeting,
                outcome=Recommendation.WORKING_TOWARDS,
                **{f"areas_{q2.pk}": "Typed feedback is kept."},
            ),
        )
    )
    message = "Explain why the panel departed from the suggested outcome"
    assert message in error_summary(tree)
    assert message in field_error(tree, "departure_reason")
    typed = tree.get_element_by_id(f"id_areas_{q2.pk}").text_content()
    assert typed.strip() == "Typed feedback is kept."
    assert not Decision.objects.filter(application=application).exists()

    response = client.post(
        decide_url(application),
        decision_post(
            application,
            meeting,
            outcome=Recommendation.WORKING_TOWARDS,
            departure_reason="Q4's evidence was thin at the meeting.",
        ),
    )
    assert response.status_code == 302
    decision = Decision.objects.get(application=application)
    assert decision.outcome == Recommendation.WORKING_TOWARDS
    assert decision.suggested_outcome == Recommendation.FULL
    assert decision.departure_reason == "Q4's evidence was thin at the meeting."


def test_a_decision_is_final_and_a_correction_is_a_new_audited_record(client):
    application, decision, panel_chair = decided_application()
    login(client, panel_chair.user)
    with pytest.raises(NoReverseMatch):
        reverse("moderation:edit_decision", args=[application.pk])

    # Posting the decision form again changes nothing.
    response = client.post(decide_url(application), decision_post(application, decision.meeting))
    assert response.status_code == 200
    assert Decision.objects.filter(application=application).count() == 1

    tree = page(client.get(correct_url(application)))
    q3 = application.framework.descriptors.get(number=3)
    prefilled = tree.get_element_by_id(f"id_strengths_{q3.pk}").text_content()
    assert prefilled.strip() == "The panel praises Q3."
    tree = page(client.post(correct_url(application), decision_post(application)))
    assert "Explain what is being corrected and why" in error_summary(tree)
    assert "Explain what is being corrected and why" in field_error(tree, "correction_reason")

    response = client.post(
        correct_url(application),
        decision_post(
            application,
            correction_reason="The Q3 feedback named the wrong team.",
            **{f"strengths_{q3.pk}": "The panel praises the Q3 tracking meeting."},
        ),
    )
    assert response.status_code == 302
    correction = current_decision(application)
    assert correction.pk != decision.pk
    assert correction.supersedes == decision
    assert correction.feedback.get(descriptor=q3).strengths == (
        "The panel praises the Q3 tracking meeting."
    )
    original = Decision.objects.get(pk=decision.pk)
    assert original.feedback.get(descriptor=q3).strengths == "The panel praises Q3."
    event = AuditEvent.objects.get(action="decision.corrected")
    assert event.changes["reason"] == "The Q3 feedback named the wrong team."

    tree = page(client.get(decide_url(application)))
    assert "Correction recorded" in text_of(tree, "confirmation")
    assert "The Q3 feedback named the wrong team." in text_of(tree, "decision")
    assert original.recorded_at.strftime("%-d %B %Y") in text_of(tree, "history")


def test_staff_read_a_decision_but_only_a_chair_corrects_it(client):
    application, decision, panel_chair = decided_application()
    login(client, staff_user())
    tree = page(client.get(decide_url(application)))
    assert "Every descriptor is well evidenced." in text_of(tree, "decision")
    assert not tree.xpath(f'//a[@href="{correct_url(application)}"]')
    assert client.get(correct_url(application)).status_code == 404
    conflicted = chair()
    conflicted.affiliated_agencies.add(application.agency)
    login(client, conflicted.user)
    assert client.get(correct_url(application)).status_code == 404
    assert client.get(decide_url(application)).status_code == 404
    login(client, panel_chair.user)
    listing = page(client.get(reverse("moderation:panel")))
    assert application.reference in text_of(listing, "recent-decisions")


def test_without_a_meeting_the_decision_page_says_what_to_do(client):
    application, _ = at_panel()
    login(client, chair().user)
    tree = page(client.get(decide_url(application)))
    assert "not on the agenda of any panel meeting" in text_of(tree, "no-meeting")
    assert not tree.xpath('//input[@name="outcome"]')
