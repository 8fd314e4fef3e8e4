"""The nightly job: awards past their last day expire; the agency's leads are
reminded six, three and one month before, each once, however often it runs."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from moderation.models.awards import AwardStatus
from moderation.services.awards import add_months
from moderation.services.expiry import reminder_stage, send_expiry_reminders
from moderation.tasks import run_award_expiry
from qualitymark.audit.models import AuditEvent
from qualitymark.notifications.models import SentEmail
from tests.factories import MembershipFactory

from .factories import make_award

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: date):
    """Travel to 02:00 in London on `day` (the job runs at night)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 2, 0, tzinfo=LONDON))


def reminders():
    return SentEmail.objects.filter(template="award_expiry_reminder").order_by("id")


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2029, 3, 31), -1) == date(2029, 2, 28)
    assert add_months(date(2029, 3, 9), -6) == date(2028, 9, 9)
    assert add_months(date(2028, 11, 30), 3) == date(2029, 2, 28)


def test_each_reminder_goes_once_and_the_award_expires_after_its_last_day(client):
    award = make_award(awarded_on=date(2026, 3, 10), expires_on=date(2029, 3, 9))
    lead = MembershipFactory(agency=award.agency, role="lead").user
    MembershipFactory(agency=award.agency, role="member")  # members are not reminded
    sent_on = {}
    day = date(2028, 8, 1)
    while day <= date(2029, 3, 15):
        with at(day):
            for _ in range(2):  # the job may run more than once a day
                run_award_expiry()
        for email in reminders():
            sent_on.setdefault(email.dedupe_key, day)
        day += timedelta(days=1)

    assert sent_on == {
        f"award-expiry-{award.pk}-6m-2029-03-09": date(2028, 9, 9),
        f"award-expiry-{award.pk}-3m-2029-03-09": date(2028, 12, 9),
        f"award-expiry-{award.pk}-1m-2029-03-09": date(2029, 2, 9),
    }
    assert reminders().count() == 3
    assert all(email.recipients == [lead.email] for email in reminders())
    assert [email.subject for email in reminders()] == [
        "Your Early Permanence Quality Mark expires in 6 months",
        "Your Early Permanence Quality Mark expires in 3 months",
        "Your Early Permanence Quality Mark expires in one month",
    ]
    award.refresh_from_db()
    assert award.status == AwardStatus.EXPIRED
    assert AuditEvent.objects.filter(action="award.expired", target_id=str(award.pk)).count() == 1


def test_the_register_says_expired_once_the_job_has_run(client):
    award = make_award(awarded_on=date(2026, 3, 10), expires_on=date(2029, 3, 9))
    with at(date(2029, 3, 9)):
        assert run_award_expiry()["expired"] == 0
        assert b"Current" in client.get("/register/?status=current").content
    with at(date(2029, 3, 10)):
        assert run_award_expiry()["expired"] == 1
        assert run_award_expiry()["expired"] == 0
        page = client.get(f"/verify/{award.verification_token}/").content.decode()
        assert "This certificate has expired" in page
        assert award.number in client.get("/register/?status=expired").content.decode()


def test_a_reminder_sent_late_gives_the_date_and_on_the_last_day_says_today():
    award = make_award(awarded_on=date(2026, 3, 10), expires_on=date(2029, 3, 9))
    MembershipFactory(agency=award.agency, role="lead")
    with at(date(2029, 3, 9)):
        run_award_expiry()
    assert [email.subject for email in reminders()] == [
        "Your Early Permanence Quality Mark expires today"
    ]
    later = make_award(awarded_on=date(2026, 3, 10), expires_on=date(2029, 3, 9))
    MembershipFactory(agency=later.agency, role="lead")
    assert send_expiry_reminders(date(2029, 2, 20)) == 1
    assert reminders().filter(subject__endswith="expires on 9 March 2029").count() == 1


def test_a_missed_reminder_is_not_sent_late(client):
    award = make_award(awarded_on=date(2026, 3, 10), expires_on=date(2029, 3, 9))
    MembershipFactory(agency=award.agency, role="lead")
    with at(date(2029, 1, 20)):  # first run less than three months before expiry
        assert reminder_stage(award, date(2029, 1, 20)) == 3
        run_award_expiry()
    assert [email.dedupe_key for email in reminders()] == [f"award-expiry-{award.pk}-3m-2029-03-09"]


def test_suspended_awards_expire_and_withdrawn_or_replaced_ones_are_left_alone():
    suspended = make_award(
        status=AwardStatus.SUSPENDED, expires_on=date(2027, 1, 1), awarded_on=date(2024, 1, 2)
    )
    withdrawn = make_award(
        status=AwardStatus.WITHDRAWN, expires_on=date(2027, 1, 1), awarded_on=date(2024, 1, 2)
    )
    replaced = make_award(
        status=AwardStatus.SUPERSEDED, expires_on=date(2027, 1, 1), awarded_on=date(2024, 1, 2)
    )
    with at(date(2027, 6, 1)):
        assert run_award_expiry() == {"expired": 1, "reminders": 0}
    for award, status in (
        (suspended, AwardStatus.EXPIRED),
        (withdrawn, AwardStatus.WITHDRAWN),
        (replaced, AwardStatus.SUPERSEDED),
    ):
        award.refresh_from_db()
        assert award.status == status


def test_the_job_is_scheduled_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["awards-expiry"]
    assert entry["task"] == "moderation.tasks.run_award_expiry"
