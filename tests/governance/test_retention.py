"""The retention job deletes or anonymises exactly what the schedule says, on a
controlled clock: one test per rule, each with a record just past its period
and one just inside it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.models.agencies import Invitation
from applications.models.evidence import EvidenceFile
from applications.models.submissions import Application
from applications.services.submissions import save_section, start_application, withdraw_application
from moderation.models.workflow import Recommendation
from qualitymark.audit.models import AuditEvent, AuditEventPersonal
from qualitymark.audit.services import record_event
from qualitymark.governance.models import ContentView, RetentionRule
from qualitymark.governance.services import apply_rule, run_retention
from qualitymark.notifications.models import SentEmail
from qualitymark.notifications.services import notify
from tests.awards.builders import Panel
from tests.factories import MembershipFactory, UserFactory, enrol_totp, has_totp
from tests.moderation.builders import submitted_application

from .support import T0, after, at, file_exists, narratives, stored_evidence, token_hash

pytestmark = pytest.mark.django_db


def rule(key: str) -> RetentionRule:
    return RetentionRule.objects.get(key=key)


@pytest.fixture(autouse=True)
def _after_commit_work_runs(django_capture_on_commit_callbacks):
    """Stored files are deleted once the deletion commits; run that work here."""
    global _commits
    _commits = django_capture_on_commit_callbacks


def run_rule(key: str, moment):
    with at(moment), _commits(execute=True):
        return apply_rule(rule=rule(key))


def test_the_default_schedule_has_a_rule_for_every_kind_of_record():
    assert {r.key: (r.period_months, r.action) for r in RetentionRule.objects.all()} == {
        "decided-applications": (72, "delete"),
        "withdrawn-applications": (12, "delete"),
        "abandoned-drafts": (12, "delete"),
        "unused-accounts": (24, "close"),
        "security-event-details": (12, "anonymise"),
        "sent-emails": (12, "anonymise"),
        "invitations": (24, "delete"),
        "content-views": (72, "delete"),
    }


def test_decided_applications_lose_their_content_six_years_after_the_award_ends(framework):
    with at(T0):
        panel = Panel()
        refused = panel.decide(outcome=Recommendation.NOT_AWARDED).application
        awarded_decision = panel.decide(outcome=Recommendation.FULL)
        awarded = awarded_decision.application
        refused_file = stored_evidence(refused, by=panel.staff)
        awarded_file = stored_evidence(awarded, by=panel.staff)
    award_ends = awarded_decision.award.expires_on

    outcome = run_rule("decided-applications", after(T0, 72, days=1))

    assert outcome.count == 1
    assert narratives(refused) == [] and not EvidenceFile.objects.filter(application=refused)
    assert not file_exists(refused_file.storage_key)
    refused.refresh_from_db()
    assert refused.reference and refused.status == "decided" and refused.decisions.exists()
    assert narratives(awarded) and file_exists(awarded_file.storage_key)

    assert run_rule("decided-applications", after(T0, 72, days=2)).count == 0
    later = run_rule("decided-applications", after(award_ends_at(award_ends), 72, days=1))
    assert later.count == 1
    assert narratives(awarded) == [] and not file_exists(awarded_file.storage_key)
    assert awarded.awards.get().number


def award_ends_at(day):
    return T0.replace(year=day.year, month=day.month, day=day.day)


def test_withdrawn_applications_lose_their_content_after_a_year(framework):
    with at(T0):
        early = submitted_application()
        withdraw_application(actor=early.created_by, application=early, reason="Not ready")
        early_file = stored_evidence(early, by=early.created_by)
    with at(after(T0, 2)):
        late = submitted_application()
        withdraw_application(actor=late.created_by, application=late, reason="Not ready")
    still_open = submitted_application()

    outcome = run_rule("withdrawn-applications", after(T0, 12, days=1))

    assert outcome.count == 1
    assert narratives(early) == [] and not file_exists(early_file.storage_key)
    assert Application.objects.get(pk=early.pk).reference == early.reference
    assert narratives(late) and narratives(still_open)


def test_abandoned_drafts_are_deleted_a_year_after_their_last_change(framework):
    with at(T0):
        abandoned_lead = MembershipFactory(role="lead").user
        abandoned = start_application(
            actor=abandoned_lead,
            agency=abandoned_lead.memberships.get().agency,
            level_sought="full",
            kind="new",
        )
        abandoned_file = stored_evidence(abandoned, by=abandoned_lead)
        lead = MembershipFactory(role="lead").user
        worked_on = start_application(
            actor=lead, agency=lead.memberships.get().agency, level_sought="full", kind="new"
        )
    with at(after(T0, 3)):
        save_section(
            actor=lead,
            application=worked_on,
            key="q1",
            data={"narrative": "Our tracking meeting."},
            state="in_progress",
            expected_version=0,
        )
    submitted = submitted_application()

    outcome = run_rule("abandoned-drafts", after(T0, 12, days=1))

    assert outcome.count == 1
    assert not Application.objects.filter(pk=abandoned.pk).exists()
    assert not file_exists(abandoned_file.storage_key)
    assert Application.objects.filter(pk__in=[worked_on.pk, submitted.pk]).count() == 2
    assert run_rule("abandoned-drafts", after(T0, 15, days=1)).count == 1


def test_accounts_unused_for_two_years_are_closed(db):
    with at(T0):
        signed_in_once = UserFactory()
        never_used = UserFactory()
        enrol_totp(signed_in_once)
    signed_in_once.last_login = T0
    signed_in_once.save(update_fields=["last_login"])
    with at(after(T0, 1)):
        recent = UserFactory()

    outcome = run_rule("unused-accounts", after(T0, 24, days=1))

    assert outcome.count == 2
    for person in (signed_in_once, never_used):
        person.refresh_from_db()
        assert not person.is_active and not person.has_usable_password()
    assert not has_totp(signed_in_once)
    recent.refresh_from_db()
    assert recent.is_active and recent.has_usable_password()


def test_internet_addresses_and_typed_emails_are_removed_after_a_year_events_unchanged(db):
    with at(T0):
        old = record_event(
            actor=None,
            action="auth.sign_in_failed",
            ip_address="203.0.113.5",
            typed_email="someone@example.org",
        )
    with at(after(T0, 1)):
        recent = record_event(actor=None, action="auth.sign_in_failed", ip_address="203.0.113.6")
    before = list(AuditEvent.objects.order_by("pk").values())

    outcome = run_rule("security-event-details", after(T0, 12, days=1))

    assert outcome.count == 1
    old_details = AuditEventPersonal.objects.get(pk=old.pk)
    assert old_details.ip_address is None and old_details.typed_email == ""
    assert AuditEventPersonal.objects.get(pk=recent.pk).ip_address == "203.0.113.6"
    after_run = list(AuditEvent.objects.filter(pk__in=[e["id"] for e in before]).order_by("pk"))
    assert [e["changes"] for e in before] == [e.changes for e in after_run]
    assert [e["action"] for e in before] == [e.action for e in after_run]


def test_sent_email_recipients_are_removed_after_a_year(db):
    with at(T0):
        old = notify(template="review_ready", to=["a@example.org"], context={}, dedupe_key="x1")
    with at(after(T0, 1)):
        recent = notify(template="review_ready", to=["b@example.org"], context={}, dedupe_key="x2")

    outcome = run_rule("sent-emails", after(T0, 12, days=1))

    assert outcome.count == 1
    old.refresh_from_db()
    assert old.recipients == [] and old.subject and old.dedupe_key == "x1"
    assert SentEmail.objects.get(pk=recent.pk).recipients == ["b@example.org"]


def test_invitations_are_deleted_two_years_after_they_stopped_working(db):
    def invitation(email):
        return Invitation.objects.create(
            email=email,
            role="moderator",
            token_hash=token_hash(),
            expires_at=after(T0, 0, days=14),
        )

    with at(T0):
        old = invitation("old@example.org")
    with at(after(T0, 1)):
        recent = Invitation.objects.create(
            email="recent@example.org",
            role="panel_chair",
            token_hash=token_hash(),
            expires_at=after(T0, 1, days=14),
        )

    outcome = run_rule("invitations", after(T0, 24, days=15))

    assert outcome.count == 1
    assert not Invitation.objects.filter(pk=old.pk).exists()
    assert Invitation.objects.filter(pk=recent.pk).exists()


def test_records_of_who_saw_an_application_are_deleted_after_six_years(db):
    viewer = UserFactory()
    with at(T0):
        old = ContentView.objects.create(viewer=viewer, application_id=1, page="p", path="/")
    with at(after(T0, 1)):
        recent = ContentView.objects.create(viewer=viewer, application_id=1, page="p", path="/")

    outcome = run_rule("content-views", after(T0, 72, days=1))

    assert outcome.count == 1
    assert list(ContentView.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


def _world_due_under_every_rule():
    with at(T0):
        panel = Panel()
        decided = panel.decide(outcome=Recommendation.NOT_AWARDED).application
        stored_evidence(decided, by=panel.staff)
        lead = MembershipFactory(role="lead").user
        draft = start_application(
            actor=lead, agency=lead.memberships.get().agency, level_sought="full", kind="new"
        )
        record_event(actor=None, action="auth.sign_in_failed", ip_address="203.0.113.5")
        ContentView.objects.create(viewer=lead, application_id=draft.pk, page="p", path="/")
    return decided, draft


def test_a_dry_run_reports_what_is_due_and_changes_nothing(framework, capsys):
    decided, draft = _world_due_under_every_rule()
    snapshot = _snapshot()

    with at(after(T0, 72, days=1)):
        outcomes = {o.rule.key: o for o in run_retention(dry_run=True)}
        call_command("apply_retention", "--dry-run")

    assert _snapshot() == snapshot
    assert outcomes["decided-applications"].count == 1
    assert outcomes["abandoned-drafts"].examples == [f"Draft by {draft.agency} (#{draft.pk})"]
    assert outcomes["security-event-details"].count == 1
    assert outcomes["content-views"].count == 1
    assert outcomes["unused-accounts"].count == 8  # everyone the builders made
    assert "abandoned-drafts: 1 would be deleted" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(action__startswith="retention.").exists()


def test_the_job_carries_out_every_rule_once_and_audits_it(framework, client):
    decided, draft = _world_due_under_every_rule()
    with at(after(T0, 72, days=1)):
        expected = {o.rule.key: o.count for o in run_retention(dry_run=True)}
        call_command("apply_retention")
        again = {o.rule.key: o.count for o in run_retention(dry_run=True)}

    assert expected["decided-applications"] == 1 and expected["abandoned-drafts"] == 1
    assert set(again.values()) == {0}
    run = AuditEvent.objects.get(action="retention.run")
    assert run.changes == expected
    applied = AuditEvent.objects.filter(action="retention.applied")
    assert {e.changes["rule"]: e.changes["count"] for e in applied} == {
        key: count for key, count in expected.items() if count
    }
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert narratives(decided) == []
    from django.urls import reverse

    from tests.moderation.builders import staff_user

    client.force_login(staff_user())
    assert "The job last ran on" in client.get(reverse("staff:retention")).content.decode()


def test_nothing_is_touched_before_its_time(framework):
    _world_due_under_every_rule()
    snapshot = _snapshot()
    with at(after(T0, 11, days=27)):
        outcomes = run_retention(dry_run=False)
    assert {o.rule.key: o.count for o in outcomes} == dict.fromkeys(
        RetentionRule.objects.values_list("key", flat=True), 0
    )
    assert _snapshot() == snapshot


def _snapshot():
    from applications.models.submissions import SectionAnswer
    from qualitymark.users.models import User

    return {
        "applications": list(Application.objects.order_by("pk").values("pk", "status")),
        "answers": list(SectionAnswer.objects.order_by("pk").values("pk", "data")),
        "files": list(EvidenceFile.objects.order_by("pk").values_list("pk", flat=True)),
        "people": list(User.objects.order_by("pk").values("pk", "is_active", "password")),
        "details": list(
            AuditEventPersonal.objects.exclude(event__action__startswith="retention.")
            .order_by("pk")
            .values()
        ),
        "emails": list(SentEmail.objects.order_by("pk").values("pk", "recipients")),
        "views": list(ContentView.objects.values_list("pk", flat=True)),
    }


def test_the_staff_page_shows_the_dry_run_report_and_changes_nothing(client, framework):
    from django.urls import reverse

    from tests.moderation.builders import staff_user

    decided, draft = _world_due_under_every_rule()
    with at(after(T0, 72, days=1)):
        client.force_login(staff_user())
    snapshot = _snapshot()
    with at(after(T0, 72, days=1)):
        page = client.get(reverse("staff:retention")).content.decode()
    assert f"Draft by {draft.agency} (#{draft.pk})" in page
    assert decided.reference in page
    assert "The job has not run yet." in page
    assert _snapshot() == snapshot
    assert not AuditEvent.objects.filter(action__startswith="retention.").exists()


def test_beat_runs_the_registered_retention_task_every_day(settings, framework):
    from celery.schedules import crontab

    from qualitymark.celery import app
    from qualitymark.governance.tasks import apply_retention

    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] in app.tasks
    assert isinstance(entry["schedule"], crontab)
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})  # as the page says
    _world_due_under_every_rule()
    with at(after(T0, 72, days=1)), _commits(execute=True):
        counts = apply_retention.delay().get()
    assert counts["abandoned-drafts"] == 1 and counts["decided-applications"] == 1


def test_the_staff_page_says_the_content_was_deleted_not_unanswered(framework, client):
    """An outside audit found a decided application's deleted answers shown as "Not
    answered", as though the agency had never answered."""
    with at(T0):
        panel = Panel()
        refused = panel.decide(outcome=Recommendation.NOT_AWARDED).application
    client.force_login(panel.staff)
    before = client.get(reverse("staff:application", args=[refused.pk])).content.decode()
    assert "were deleted on" not in before
    run_rule("decided-applications", after(T0, 72, days=1))
    page = client.get(reverse("staff:application", args=[refused.pk])).content.decode()
    assert "were deleted on" in page and "under the data retention schedule" in page
    assert "Not answered" not in page and "Deleted" in page
