"""Starting an application (new, renewal, upgrade; one open at a time) and
withdrawing one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from applications.lifecycle import ReasonRequired, TransitionNotAllowed
from applications.models.submissions import Application, SectionAnswer
from applications.services.submissions import (
    sign_declaration,
    start_application,
    submit_application,
    withdraw_application,
)
from qualitymark.audit.models import AuditEvent
from tests.awards.factories import award_application, make_award
from tests.factories import MembershipFactory

from .application_data import Page, complete_every_section, section_keys

pytestmark = pytest.mark.django_db


def start_url(agency):
    return reverse("agency:application_start", args=[agency.slug])


def application_url(application):
    return reverse("agency:application", args=[application.pk])


def submitted_application(lead, agency, *, level="full", kind="new"):
    application = start_application(actor=lead, agency=agency, level_sought=level, kind=kind)
    complete_every_section(application, lead)
    sign_declaration(actor=lead, application=application, name="Pat Lead", role="Head of Service")
    return submit_application(actor=lead, application=application)


def decide(application):
    """The application is decided and its agency holds the award."""
    award_application(application)
    Application.objects.filter(pk=application.pk).update(
        status="decided", decided_at=timezone.now()
    )
    application.refresh_from_db()
    return application


# --- Starting -----------------------------------------------------------------------------


def test_a_lead_starts_a_new_application_against_the_current_framework(
    lead_client, lead, agency, framework
):
    page = Page(lead_client.get(start_url(agency)))
    assert page.contains("Start an application")
    # With no earlier application there is nothing to copy from.
    assert page.value("prefill_from") is None

    response = lead_client.post(
        start_url(agency), {"kind": "new", "level_sought": "working_towards"}
    )

    application = Application.objects.get(agency=agency)
    assert response["Location"] == application_url(application)
    assert application.framework == framework
    assert application.status == "draft"
    assert application.level_sought == "working_towards"
    assert application.created_by == lead
    assert application.reference is None
    assert "changes" not in section_keys(application)
    assert AuditEvent.objects.filter(
        action="application.started", target_id=str(application.pk)
    ).exists()


def test_a_second_start_goes_to_the_open_application(lead_client, draft, agency):
    for response in (
        lead_client.get(start_url(agency)),
        lead_client.post(start_url(agency), {"kind": "new", "level_sought": "full"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == application_url(draft)
    assert agency.applications.count() == 1


def test_the_service_refuses_a_second_open_application(lead, agency, draft):
    with pytest.raises(ValidationError) as refused:
        start_application(actor=lead, agency=agency, level_sought="full", kind="new")
    assert refused.value.code == "open_application"


def test_the_database_holds_one_open_application_per_agency(lead, agency, draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            agency=agency,
            framework=draft.framework,
            kind="new",
            level_sought="full",
            created_by=lead,
        )


def test_a_submitted_application_is_still_open(lead, agency):
    submitted_application(lead, agency)
    with pytest.raises(ValidationError):
        start_application(actor=lead, agency=agency, level_sought="full", kind="renewal")


def test_a_member_cannot_start_an_application(member_client, member, agency):
    assert member_client.get(start_url(agency)).status_code == 404
    assert (
        member_client.post(start_url(agency), {"kind": "new", "level_sought": "full"}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        start_application(actor=member, agency=agency, level_sought="full", kind="new")
    assert not agency.applications.exists()


def test_no_framework_published_means_no_application(lead, agency, monkeypatch):
    from applications.services import submissions

    monkeypatch.setattr(submissions, "current_framework", lambda: None)
    with pytest.raises(ValidationError) as refused:
        start_application(actor=lead, agency=agency, level_sought="full", kind="new")
    assert refused.value.code == "no_framework"


# --- Renewals and upgrades ---------------------------------------------------------------


def test_a_renewal_is_prefilled_from_an_earlier_application(lead_client, lead, agency):
    earlier = decide(submitted_application(lead, agency))

    page = Page(lead_client.get(start_url(agency)))
    assert page.contains(earlier.reference)
    response = lead_client.post(
        start_url(agency),
        {"kind": "renewal", "level_sought": "full", "prefill_from": earlier.pk},
    )

    renewal = Application.objects.get(agency=agency, status="draft")
    assert response["Location"] == application_url(renewal)
    assert renewal.previous_application == earlier
    assert renewal.kind == "renewal"
    copied = {answer.key: answer for answer in renewal.answers.all()}
    earlier_answers = {answer.key: answer for answer in earlier.answers.all()}
    assert set(copied) == set(earlier_answers)
    for key, answer in copied.items():
        assert answer.data == earlier_answers[key].data
        # Copied answers must be read again before the renewal is submitted.
        assert answer.state == "in_progress"
        assert answer.updated_by == lead
    # The declaration and the reference are not copied.
    assert not renewal.is_declared
    assert renewal.reference is None

    assert section_keys(renewal)[2] == "changes"
    task_list = Page(lead_client.get(application_url(renewal)))
    assert task_list.contains("What has changed since your last award")
    status = next(
        element
        for element in task_list.elements()
        if task_list.attr(element, "id") == "status-changes"
    )
    assert task_list.text(status) == "Not yet started"
    event = AuditEvent.objects.get(action="application.started", target_id=str(renewal.pk))
    assert sorted(event.changes["sections_copied"]) == sorted(earlier_answers)


def test_a_renewal_need_not_be_prefilled(lead, agency):
    decide(submitted_application(lead, agency))

    renewal = start_application(actor=lead, agency=agency, level_sought="full", kind="renewal")

    assert renewal.previous_application is None
    assert not renewal.answers.exists()
    assert "changes" in section_keys(renewal)


def test_a_new_application_ignores_an_earlier_one_to_copy(lead_client, lead, agency):
    earlier = decide(submitted_application(lead, agency))

    lead_client.post(
        start_url(agency), {"kind": "new", "level_sought": "full", "prefill_from": earlier.pk}
    )

    new = Application.objects.get(agency=agency, status="draft")
    assert new.previous_application is None
    assert not new.answers.exists()


def test_an_upgrade_is_for_full(lead, agency):
    decide(submitted_application(lead, agency, level="working_towards"))

    with pytest.raises(ValidationError) as refused:
        start_application(actor=lead, agency=agency, level_sought="working_towards", kind="upgrade")
    assert "level_sought" in refused.value.message_dict

    upgrade = start_application(actor=lead, agency=agency, level_sought="full", kind="upgrade")
    assert upgrade.kind == "upgrade"
    assert "changes" in section_keys(upgrade)


def test_prefill_from_another_agencys_application_is_refused(lead_client, lead, agency, framework):
    ours = decide(submitted_application(lead, agency))
    other_lead = MembershipFactory(role="lead").user
    theirs = decide(submitted_application(other_lead, other_lead.memberships.get().agency))

    response = lead_client.post(
        start_url(agency),
        {"kind": "renewal", "level_sought": "full", "prefill_from": theirs.pk},
    )

    assert response.status_code == 200
    Page(response).assert_error(
        "prefill_from", "Select one of your agency's earlier applications, or choose not to copy"
    )
    with pytest.raises(ValidationError):
        start_application(
            actor=lead, agency=agency, level_sought="full", kind="renewal", prefill_from=theirs
        )
    assert list(agency.applications.all()) == [ours]


def test_prefill_from_the_agencys_withdrawn_application(lead, agency):
    make_award(agency=agency)
    earlier = submitted_application(lead, agency)
    withdraw_application(actor=lead, application=earlier, reason="Not ready yet.")

    again = start_application(
        actor=lead, agency=agency, level_sought="full", kind="renewal", prefill_from=earlier
    )

    assert again.previous_application == earlier
    assert again.answers.count() == earlier.answers.count()


# --- Withdrawing -------------------------------------------------------------------------


def test_a_lead_withdraws_a_submitted_application(
    lead_client, lead, member, agency, django_capture_on_commit_callbacks, mailoutbox, settings
):
    application = submitted_application(lead, agency)
    reference = application.reference
    mailoutbox.clear()

    page = Page(lead_client.get(application_url(application)))
    assert page.contains("Withdraw this application")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = lead_client.post(
            reverse("agency:withdraw", args=[application.pk]),
            {"reason": "Our early permanence lead has left; we will apply next year."},
        )
    # Nobody is e-mailed until the change is committed.
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    assert response.status_code == 302
    assert response["Location"] == reverse("agency:detail", args=[agency.slug])
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert application.withdrawn_at is not None
    assert application.reference == reference
    event = AuditEvent.objects.get(action="application.withdraw", target_id=str(application.pk))
    assert event.changes["reason"] == "Our early permanence lead has left; we will apply next year."
    assert event.changes["status"] == ["submitted", "withdrawn"]

    to_agency, to_staff = mailoutbox
    assert set(to_agency.to) == {lead.email, member.email}
    assert to_staff.to == [settings.CORAM_STAFF_INBOX]
    for message in mailoutbox:
        assert reference in message.subject
        assert "Our early permanence lead has left" in message.body
    assert "To apply again" in to_agency.body

    # The agency page shows it as withdrawn, and a new application can be started.
    dashboard = Page(lead_client.get(response["Location"]))
    assert dashboard.contains(f"You have withdrawn application {reference}.")
    assert dashboard.contains("Withdrawn")
    assert dashboard.contains("Start an application")
    started = lead_client.post(start_url(agency), {"kind": "new", "level_sought": "full"})
    new = Application.objects.get(agency=agency, status="draft")
    assert started["Location"] == application_url(new)


def test_a_lead_withdraws_a_draft(lead_client, lead, draft, agency, mailoutbox):
    response = lead_client.post(
        reverse("agency:withdraw", args=[draft.pk]), {"reason": "Started by mistake."}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "withdrawn"
    # Every application that has left draft has a reference, this one too.
    assert draft.reference.startswith("EPQM-")
    page = Page(lead_client.get(application_url(draft)))
    assert page.contains("Withdrawn")
    assert not page.contains("Withdraw this application")
    # The confirmation of submission is not shown for it.
    assert lead_client.get(reverse("agency:submitted", args=[draft.pk])).status_code == 302


def test_a_refused_withdrawal_uses_no_reference_number(lead, draft):
    from applications.models.submissions import ReferenceSequence

    with pytest.raises(ReasonRequired):
        withdraw_application(actor=lead, application=draft, reason=" ")

    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.reference is None
    assert not ReferenceSequence.objects.filter(last_number__gt=0).exists()


def test_only_a_lead_can_withdraw(member_client, member, draft):
    url = reverse("agency:withdraw", args=[draft.pk])
    assert member_client.get(url).status_code == 404
    assert member_client.post(url, {"reason": "I would rather not."}).status_code == 404
    with pytest.raises(TransitionNotAllowed):
        withdraw_application(actor=member, application=draft, reason="I would rather not.")
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not Page(member_client.get(application_url(draft))).contains("Withdraw this application")


def test_a_decided_application_cannot_be_withdrawn(lead_client, lead, agency):
    application = decide(submitted_application(lead, agency))

    assert lead_client.get(reverse("agency:withdraw", args=[application.pk])).status_code == 404
    with pytest.raises(TransitionNotAllowed):
        withdraw_application(actor=lead, application=application, reason="Too late.")


def test_withdrawing_leaves_the_answers_in_place(lead, agency):
    application = submitted_application(lead, agency)
    answers = SectionAnswer.objects.filter(application=application).count()

    withdraw_application(actor=lead, application=application, reason="Changed our plans.")

    assert SectionAnswer.objects.filter(application=application).count() == answers
