"""Issue 14, appeal or review of a decision: within a configurable period after
the decision the agency's lead can ask for a review on stated grounds; Coram
staff record it; a panel chair who took no part in the first decision records
the outcome with reasons; a changed outcome goes through the award correction
path (issued, replaced or withdrawn), audited, and the agency is told by e-mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moderation.models.appeals import Appeal
from moderation.models.awards import Award
from moderation.models.workflow import Decision, Recommendation
from moderation.services.appeals import acknowledge_appeal, decide_appeal, request_appeal
from qualitymark.audit.models import AuditEvent
from tests.factories import MembershipFactory

from .builders import chair, moderator, staff_user
from .test_panel_pages import decided_application, error_summary, login, page, text_of

pytestmark = pytest.mark.django_db

EXPLANATION = "The panel did not read our Q4 tracking data, sent with the application."


def request_url(application):
    return reverse("agency:appeal", args=[application.pk])


def appeal_url(appeal):
    return reverse("moderation:appeal", args=[appeal.pk])


def lead_of(application):
    return application.agency.memberships.get(role="lead").user


def mail_to(address, template_words: str):
    return [m for m in mail.outbox if address in m.to and template_words in m.subject]


def asked_and_recorded(**kwargs):
    application, decision, deciding_chair = decided_application(**kwargs)
    appeal = request_appeal(
        actor=lead_of(application),
        application=application,
        grounds=[Appeal.Grounds.EVIDENCE],
        explanation=EXPLANATION,
    )
    acknowledge_appeal(actor=staff_user(), appeal=appeal)
    appeal.refresh_from_db()
    return application, decision, deciding_chair, appeal


def test_the_whole_journey_from_the_leads_request_to_a_changed_award(
    client, django_capture_on_commit_callbacks
):
    application, decision, deciding_chair = decided_application()
    full_award = Award.objects.get(decision=decision)
    lead = lead_of(application)
    login(client, lead)

    # The decision page leads to the request; the form needs grounds and an explanation.
    tree = page(client.get(reverse("agency:decision", args=[application.pk])))
    assert tree.xpath(f'//a[@href="{request_url(application)}"]')
    tree = page(client.post(request_url(application), {"explanation": EXPLANATION}))
    assert "Choose the grounds for the review" in error_summary(tree)
    assert tree.get_element_by_id("id_explanation").text_content().strip() == EXPLANATION
    assert not Appeal.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            request_url(application),
            {
                "grounds": [Appeal.Grounds.EVIDENCE, Appeal.Grounds.FACTS],
                "explanation": EXPLANATION,
            },
        )
    assert response.status_code == 302
    appeal = Appeal.objects.get(application=application)
    assert appeal.status == Appeal.Status.REQUESTED and appeal.decision == decision
    assert appeal.grounds == [Appeal.Grounds.EVIDENCE, Appeal.Grounds.FACTS]
    assert mail_to("qualitymark@coram.example", "Review of a decision asked for")
    assert "Asked for" in text_of(page(client.get(request_url(application))), "appeal-status")

    # Coram staff record it; the agency is told.
    staff = staff_user()
    login(client, staff)
    assert f"appeal-{appeal.pk}" in client.get(reverse("moderation:appeals")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(appeal_url(appeal), {"note": "Expect an answer within 4 weeks."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.ACKNOWLEDGED and appeal.acknowledged_by == staff
    assert mail_to(lead.email, "We have received your request for a review")

    # The chair who decided cannot see it; an independent chair decides it.
    login(client, deciding_chair.user)
    assert client.get(appeal_url(appeal)).status_code == 404
    independent = chair()
    login(client, independent.user)
    tree = page(client.get(appeal_url(appeal)))
    outcomes = tree.xpath('//input[@name="outcome"]/@value')
    assert Recommendation.FULL not in outcomes and Appeal.Outcome.UPHELD in outcomes
    tree = page(
        client.post(appeal_url(appeal), {"outcome": Recommendation.WORKING_TOWARDS, "reasons": ""})
    )
    assert "Give the reasons for the outcome" in error_summary(tree)
    mail.outbox.clear()
    reasons = "Q4's tracking data was overlooked, but Q6 is not yet met."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            appeal_url(appeal), {"outcome": Recommendation.WORKING_TOWARDS, "reasons": reasons}
        )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.DECIDED and appeal.decided_by == independent.user
    tree = page(client.get(appeal_url(appeal)))
    assert text_of(tree, "appeal-outcome") == "Changed to Working Towards"
    assert not tree.xpath('//textarea[@name="reasons"]')
    new_decision = Decision.objects.get(supersedes=decision)
    assert appeal.new_decision == new_decision
    assert new_decision.outcome == Recommendation.WORKING_TOWARDS
    full_award.refresh_from_db()
    assert not full_award.is_live
    replacement = Award.objects.get(decision=new_decision)
    assert replacement.level == "working_towards" and replacement.is_live
    event = AuditEvent.objects.get(action="appeal.decided")
    assert event.changes["outcome"] == Recommendation.WORKING_TOWARDS
    decided_mail = mail_to(lead.email, "The review of the decision")
    assert decided_mail and "Changed to Working Towards" in decided_mail[0].body
    assert reasons in decided_mail[0].body

    login(client, lead)
    tree = page(client.get(request_url(application)))
    assert text_of(tree, "appeal-outcome") == "Changed to Working Towards"
    # The ratings stay the panel's consolidated ones, and the page says so (an outside audit
    # read "not met" beside a changed outcome with no word why).
    correction = text_of(
        page(client.get(reverse("agency:decision", args=[application.pk]))), "correction"
    )
    assert "a correction changes the outcome and its reasons, not the ratings" in correction


def test_an_upheld_decision_leaves_the_award_as_it_was(django_capture_on_commit_callbacks):
    application, decision, _, appeal = asked_and_recorded()
    award = Award.objects.get(decision=decision)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_appeal(
            actor=chair().user,
            appeal=appeal,
            outcome=Appeal.Outcome.UPHELD,
            reasons="The evidence was read.",
        )
    award.refresh_from_db()
    assert award.is_live and award.decision == decision
    assert not Decision.objects.filter(supersedes=decision).exists()
    assert mail_to(lead_of(application).email, "The review of the decision")


def test_changed_to_no_award_withdraws_the_award():
    _, decision, _, appeal = asked_and_recorded()
    decide_appeal(
        actor=chair().user,
        appeal=appeal,
        outcome=Appeal.Outcome.NOT_AWARDED,
        reasons="Three descriptors are not met.",
    )
    award = Award.objects.get(decision=decision)
    assert award.status == "withdrawn"
    assert Decision.objects.get(supersedes=decision).outcome == Recommendation.NOT_AWARDED


def test_a_chair_who_took_part_in_the_decision_cannot_decide_the_review(client):
    application, _, deciding_chair, appeal = asked_and_recorded()
    assignment = application.assignments.first()
    assigned = assignment.moderator
    assigned.is_chair = True
    assigned.save()
    present = application.decisions.get().meeting.members_present.exclude(pk=deciding_chair.pk)
    sat_at_meeting = present.first()
    sat_at_meeting.is_chair = True
    sat_at_meeting.save()
    for took_part in (deciding_chair, assigned, sat_at_meeting):
        with pytest.raises(PermissionDenied):
            decide_appeal(
                actor=took_part.user, appeal=appeal, outcome=Appeal.Outcome.UPHELD, reasons="x"
            )
        login(client, took_part.user)
        assert client.get(appeal_url(appeal)).status_code == 404
        assert (
            f"appeal-{appeal.pk}" not in client.get(reverse("moderation:appeals")).content.decode()
        )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.ACKNOWLEDGED
    login(client, chair().user)
    tree = page(client.get(appeal_url(appeal)))
    assert tree.xpath('//textarea[@name="reasons"]')


def test_a_review_is_decided_only_once_it_is_recorded():
    application, _, _ = decided_application()
    appeal = request_appeal(
        actor=lead_of(application), application=application, grounds=["procedure"], explanation="x"
    )
    with pytest.raises(PermissionDenied):
        decide_appeal(actor=chair().user, appeal=appeal, outcome="upheld", reasons="Fine.")


@override_settings(APPEAL_WINDOW_DAYS=28)
def test_after_the_window_the_lead_cannot_ask_and_the_page_says_why(client):
    application, decision, _ = decided_application()
    lead = lead_of(application)
    login(client, lead)
    Decision.objects.filter(pk=decision.pk).update(recorded_at=timezone.now() - timedelta(days=28))
    assert page(client.get(request_url(application))).xpath('//textarea[@name="explanation"]')

    Decision.objects.filter(pk=decision.pk).update(recorded_at=timezone.now() - timedelta(days=29))
    tree = page(client.get(request_url(application)))
    closed_on = timezone.localdate() - timedelta(days=1)
    assert text_of(tree, "why-not") == (
        f"The time to ask for a review ended on {closed_on.day} {closed_on:%B %Y}. "
        "A review can be asked for within 28 days of the panel's decision."
    )
    assert not tree.xpath('//textarea[@name="explanation"]')
    client.post(request_url(application), {"grounds": ["facts"], "explanation": EXPLANATION})
    assert not Appeal.objects.exists()
    with pytest.raises(PermissionDenied):
        request_appeal(actor=lead, application=application, grounds=["facts"], explanation="x")


def test_other_agencies_get_404_and_only_the_lead_may_ask(client):
    application, _, _ = decided_application()
    login(client, MembershipFactory(role="lead").user)
    assert client.get(request_url(application)).status_code == 404
    member = MembershipFactory(agency=application.agency, role="member").user
    login(client, member)
    tree = page(client.get(request_url(application)))
    assert text_of(tree, "why-not") == (
        "Only your agency's lead can ask for a review of the panel's decision."
    )
    with pytest.raises(PermissionDenied):
        request_appeal(actor=member, application=application, grounds=["facts"], explanation="x")
    login(client, moderator().user)
    assert client.get(reverse("moderation:appeals")).status_code == 404


def test_a_decision_is_reviewed_once():
    application, _, _, appeal = asked_and_recorded()
    with pytest.raises(PermissionDenied):
        request_appeal(
            actor=lead_of(application), application=application, grounds=["facts"], explanation="x"
        )


def _queries_for_the_list(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("moderation:appeals")).status_code == 200
    return len(queries)


def test_the_list_of_reviews_takes_the_same_queries_for_one_or_three(client):
    asked_and_recorded()
    staff = staff_user()
    login(client, staff)
    one = _queries_for_the_list(client)
    asked_and_recorded()
    asked_and_recorded()
    assert _queries_for_the_list(client) == one


def test_who_sat_and_what_was_decided_stay_on_the_meetings_record():
    """An outside audit took a chair off the deciding meeting's attendance after the
    decision, and she then decided the review of it; the agency was told a chair who took
    no part had. The meeting's attendance and its decided applications now stay."""
    from django.core.exceptions import ValidationError

    from moderation.services.panel import set_meeting_details

    application, _, deciding_chair, appeal = asked_and_recorded()
    meeting = application.decisions.get().meeting
    present = list(meeting.members_present.all())
    sat_at_meeting = next(member for member in present if member != deciding_chair)
    sat_at_meeting.is_chair = True
    sat_at_meeting.save()
    staff = staff_user()
    fewer = [member for member in present if member != sat_at_meeting]
    with pytest.raises(ValidationError) as refused:
        set_meeting_details(
            actor=staff, meeting=meeting, members_present=fewer, agenda=[application]
        )
    assert "who was present cannot change" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        set_meeting_details(actor=staff, meeting=meeting, members_present=present, agenda=[])
    assert "so it stays on the agenda" in str(refused.value)
    set_meeting_details(
        actor=staff, meeting=meeting, members_present=present, agenda=[application], notes="Noted."
    )
    assert set(meeting.members_present.all()) == set(present)
    assert list(meeting.agenda.all()) == [application]
    with pytest.raises(PermissionDenied):
        decide_appeal(
            actor=sat_at_meeting.user, appeal=appeal, outcome=Appeal.Outcome.UPHELD, reasons="x"
        )
