"""Awards come from panel decisions, through the real services."""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from moderation.cache import register_version
from moderation.models.awards import Award, AwardStatus
from moderation.models.workflow import Recommendation
from moderation.services import awards as award_services
from moderation.services.awards import (
    publish_award,
    reinstate_award,
    suspend_award,
    unpublish_award,
    withdraw_award,
)
from qualitymark.audit.models import AuditEvent
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def events(award, action):
    return AuditEvent.objects.filter(
        action=action, target_type="moderation.award", target_id=str(award.pk)
    )


def test_a_full_decision_makes_a_current_unpublished_award(panel):
    decision = panel.decide(outcome=Recommendation.FULL)
    award = decision.award
    assert award.agency == decision.application.agency
    assert award.application == decision.application
    assert award.level == "full"
    assert award.status == AwardStatus.CURRENT
    assert not award.is_published
    assert re.fullmatch(r"EPQM-C-\d{4}-\d{4}", award.number)
    assert award.number.startswith(f"EPQM-C-{award.awarded_on.year}-")
    assert len(award.verification_token) >= 32
    assert events(award, "award.created").exists()


def test_working_towards_makes_an_award_and_not_awarded_does_not(panel):
    assert panel.decide(outcome=Recommendation.WORKING_TOWARDS).award.level == "working_towards"
    decision = panel.decide(outcome=Recommendation.NOT_AWARDED)
    assert not Award.objects.filter(decision=decision).exists()


def test_numbers_follow_a_sequence_per_year_and_tokens_differ(panel):
    first, second = panel.award(), panel.award()
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1
    assert first.verification_token != second.verification_token


def test_validity_is_configurable_and_ends_the_day_before_the_anniversary(settings):
    from moderation.services.awards import award_validity_end

    assert award_validity_end(date(2026, 3, 10)) == date(2029, 3, 9)
    assert award_validity_end(date(2028, 2, 29)) == date(2031, 2, 27)
    settings.QUALITYMARK = {**settings.QUALITYMARK, "AWARD_VALIDITY_YEARS": 2}
    assert award_validity_end(date(2026, 3, 10)) == date(2028, 3, 9)


def test_a_correction_with_the_same_outcome_keeps_the_award(panel):
    decision = panel.decide(outcome=Recommendation.FULL)
    award = decision.award
    correction = panel.correct(decision, outcome=Recommendation.FULL, reason="Typo in Q3.")
    award.refresh_from_db()
    assert award.decision == correction
    assert award.status == AwardStatus.CURRENT
    assert Award.objects.filter(application=decision.application).count() == 1
    assert events(award, "award.decision_corrected").exists()


def test_a_correction_to_another_level_reissues_and_keeps_the_old_award(panel):
    decision = panel.decide(outcome=Recommendation.FULL)
    old = publish_award(actor=panel.staff, award=decision.award)
    correction = panel.correct(
        decision, outcome=Recommendation.WORKING_TOWARDS, reason="Q5 was misread."
    )
    old.refresh_from_db()
    new = correction.award
    assert old.status == AwardStatus.SUPERSEDED
    assert old.superseded_by == new
    assert "Q5 was misread." in old.status_reason
    assert new.level == "working_towards"
    assert new.status == AwardStatus.CURRENT
    assert new.number != old.number and new.verification_token != old.verification_token
    # Same validity, and staff's publication carries over.
    assert (new.awarded_on, new.expires_on) == (old.awarded_on, old.expires_on)
    assert new.is_published


def test_a_correction_of_a_suspended_award_keeps_it_suspended(panel):
    decision = panel.decide(outcome=Recommendation.FULL)
    suspend_award(actor=panel.staff, award=decision.award, reason="Under review.")
    correction = panel.correct(decision, outcome=Recommendation.WORKING_TOWARDS)
    assert correction.award.status == AwardStatus.SUSPENDED
    assert correction.award.status_reason == "Under review."


def test_a_correction_to_not_awarded_withdraws_the_award(panel):
    decision = panel.decide(outcome=Recommendation.WORKING_TOWARDS)
    award = decision.award
    panel.correct(decision, outcome=Recommendation.NOT_AWARDED, reason="Wrong application.")
    award.refresh_from_db()
    assert award.status == AwardStatus.WITHDRAWN
    assert "Wrong application." in award.status_reason
    assert events(award, "award.withdrawn").exists()


def test_a_renewal_supersedes_the_agencys_current_award_when_published(panel):
    agency = AgencyFactory()
    first = panel.published_award(agency=agency)
    renewal = panel.award(agency=agency, kind="renewal")
    first.refresh_from_db()
    # Until the renewal is published, the award the agency holds stays current.
    assert renewal.application.kind == "renewal"
    assert renewal.status == AwardStatus.PENDING and not renewal.is_published
    assert first.status == AwardStatus.CURRENT and first.is_published
    publish_award(actor=panel.staff, award=renewal)
    first.refresh_from_db()
    renewal.refresh_from_db()
    assert first.status == AwardStatus.SUPERSEDED
    assert first.superseded_by == renewal
    assert renewal.application.reference in first.status_reason
    assert "renewal" in first.status_reason
    assert renewal.status == AwardStatus.CURRENT and renewal.is_published
    assert events(first, "award.superseded").exists()


def test_an_upgrade_supersedes_working_towards_when_published(panel):
    agency = AgencyFactory()
    working_towards = panel.award(agency=agency, outcome=Recommendation.WORKING_TOWARDS)
    full = panel.award(agency=agency, kind="upgrade", outcome=Recommendation.FULL)
    working_towards.refresh_from_db()
    assert working_towards.status == AwardStatus.CURRENT
    assert full.level == "full" and full.status == AwardStatus.PENDING
    publish_award(actor=panel.staff, award=full)
    working_towards.refresh_from_db()
    full.refresh_from_db()
    assert working_towards.status == AwardStatus.SUPERSEDED
    assert full.status == AwardStatus.CURRENT


def test_the_database_allows_one_live_award_per_agency():
    from django.db import IntegrityError, transaction

    from .factories import make_award

    award = make_award(status=AwardStatus.EXPIRED)
    make_award(agency=award.agency, status=AwardStatus.CURRENT)
    for status in (AwardStatus.CURRENT, AwardStatus.SUSPENDED):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_award(agency=award.agency, status=status)


@pytest.mark.parametrize(
    ("action", "status_after", "audit"),
    [
        ("suspend_award", AwardStatus.SUSPENDED, "award.suspended"),
        ("withdraw_award", AwardStatus.WITHDRAWN, "award.withdrawn"),
    ],
)
def test_staff_suspend_and_withdraw_with_a_reason(panel, action, status_after, audit):
    award = panel.award()
    service = getattr(award_services, action)
    with pytest.raises(ValidationError):
        service(actor=panel.staff, award=award, reason="  ")
    with pytest.raises(PermissionDenied):
        service(actor=UserFactory(), award=award, reason="Because.")
    award = service(actor=panel.staff, award=award, reason="Because.")
    assert award.status == status_after
    assert award.status_reason == "Because."
    assert events(award, audit).get().changes["reason"] == "Because."


def test_publish_unpublish_and_reinstate(panel):
    award = panel.award()
    with pytest.raises(PermissionDenied):
        publish_award(actor=panel.chair.user, award=award)
    award = publish_award(actor=panel.staff, award=award)
    assert award.is_published and award.published_at and award.first_published_at
    with pytest.raises(ValidationError):
        publish_award(actor=panel.staff, award=award)
    with pytest.raises(ValidationError):
        unpublish_award(actor=panel.staff, award=award, reason="")
    award = unpublish_award(actor=panel.staff, award=award, reason="Published early.")
    assert not award.is_published
    award = suspend_award(actor=panel.staff, award=award, reason="Complaint.")
    with pytest.raises(ValidationError):
        publish_award(actor=panel.staff, award=award)
    award = reinstate_award(actor=panel.staff, award=award, reason="Resolved.")
    assert award.status == AwardStatus.CURRENT
    history = AuditEvent.objects.filter(target_type="moderation.award", target_id=str(award.pk))
    assert [event.action for event in history.order_by("id")] == [
        "award.created",
        "award.published",
        "award.unpublished",
        "award.suspended",
        "award.reinstated",
    ]


def test_a_withdrawn_award_cannot_be_reinstated_or_withdrawn_again(panel):
    award = withdraw_award(actor=panel.staff, award=panel.award(), reason="Gone.")
    for action in (reinstate_award, withdraw_award, suspend_award):
        with pytest.raises(ValidationError):
            action(actor=panel.staff, award=award, reason="Try.")


def test_every_award_change_makes_cached_register_pages_stale(panel):
    award = panel.award()
    before = register_version()
    publish_award(actor=panel.staff, award=award)
    after_publish = register_version()
    assert after_publish != before
    suspend_award(actor=panel.staff, award=award, reason="Complaint.")
    assert register_version() != after_publish
