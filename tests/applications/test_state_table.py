"""The application state table (lifecycle.STATES): one row per status says what
it allows and how it is shown; every group of statuses comes from it, and a
notification the transition table names must have a sender, or start-up fails."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import Context, Template

from applications import lifecycle
from applications.lifecycle import (
    CAPABILITIES,
    LOCKED_STATUSES,
    NOTIFIERS,
    OPEN_STATUSES,
    STATES,
    Status,
    state_of,
    statuses_that,
    transition,
)
from applications.models.submissions import Application
from tests.moderation.builders import staff_user, submitted_application

S = Status

# What the issue and the design promise each status allows.
PROMISED = {
    "agency_may_edit": {S.DRAFT},
    "agency_may_answer": {S.INFORMATION_REQUESTED},
    "staff_may_screen": {S.SUBMITTED},
    "staff_may_assign": {S.SUBMITTED, S.IN_REVIEW, S.INFORMATION_REQUESTED},
    "moderators_may_review": {S.IN_REVIEW, S.INFORMATION_REQUESTED},
    "information_may_be_requested": {S.IN_REVIEW},
    "review_clock_runs": {S.IN_REVIEW},
    "review_clock_paused": {S.INFORMATION_REQUESTED},
    "panel_may_decide": {S.PANEL},
    "panel_may_read": {S.PANEL, S.DECIDED},
    "has_decision": {S.DECIDED},
    "fee_may_be_outstanding": {S.SUBMITTED, S.IN_REVIEW, S.INFORMATION_REQUESTED, S.PANEL},
    "shows_in_queues": {S.SUBMITTED, S.IN_REVIEW, S.INFORMATION_REQUESTED, S.PANEL, S.DECIDED},
    "shows_to_staff": set(S) - {S.DRAFT},
    "is_open": set(S) - {S.DECIDED, S.WITHDRAWN},
    "is_locked": set(S) - {S.DRAFT},
}

# The status tag as it was written out by hand before the table, status by status.
TAGS = {
    S.DRAFT: '<strong class="govuk-tag govuk-tag--grey">Draft</strong>',
    S.SUBMITTED: '<strong class="govuk-tag govuk-tag--blue">Submitted</strong>',
    S.IN_REVIEW: '<strong class="govuk-tag govuk-tag--light-blue">In review</strong>',
    S.INFORMATION_REQUESTED: (
        '<strong class="govuk-tag govuk-tag--orange">Information requested</strong>'
    ),
    S.PANEL: '<strong class="govuk-tag govuk-tag--purple">At panel</strong>',
    S.DECIDED: '<strong class="govuk-tag govuk-tag--green">Decided</strong>',
    S.WITHDRAWN: '<strong class="govuk-tag govuk-tag--red">Withdrawn</strong>',
}


def test_every_status_has_one_row():
    assert list(STATES) == list(Status)
    assert all(state.status == status for status, state in STATES.items())


@pytest.mark.parametrize("capability", sorted(PROMISED))
def test_each_capability_holds_in_the_promised_statuses(capability):
    assert set(statuses_that(capability)) == PROMISED[capability]


def test_the_table_has_no_capability_without_a_promise():
    assert set(CAPABILITIES) == set(PROMISED)


def test_the_open_and_locked_groups_come_from_the_table():
    assert PROMISED["is_open"] == OPEN_STATUSES
    assert PROMISED["is_locked"] == LOCKED_STATUSES
    assert lifecycle.TRANSITIONS["withdraw"].sources == OPEN_STATUSES


def test_asking_for_a_capability_the_table_does_not_have_is_an_error():
    with pytest.raises(ValueError, match="may_fly"):
        statuses_that("may_fly")


@pytest.mark.parametrize("status", list(Status))
def test_an_application_answers_from_its_row(status):
    application = Application(status=status)
    assert application.state is state_of(status)
    assert application.is_open == (status in PROMISED["is_open"])
    assert application.is_locked == (status in PROMISED["is_locked"])


@pytest.mark.parametrize("status", list(Status))
def test_the_status_tag_renders_from_the_row_as_it_did_by_hand(status):
    html = Template("{{ application.state|govuk_tag }}").render(
        Context({"application": Application(status=status)})
    )
    assert html.strip() == TAGS[status]


@pytest.mark.django_db
def test_pages_offer_a_move_only_to_whom_the_table_allows_it():
    application = submitted_application()
    staff = staff_user()
    lead = application.agency.memberships.get(role="lead").user
    assert lifecycle.may_transition(application, "accept_for_moderation", staff)
    assert not lifecycle.may_transition(application, "accept_for_moderation", lead)
    assert not lifecycle.may_transition(application, "decide", staff)
    assert lifecycle.may_transition(application, "withdraw", lead)


@pytest.mark.django_db
def test_querysets_filter_by_capability():
    application = submitted_application()
    assert list(Application.objects.that("staff_may_screen")) == [application]
    assert not Application.objects.that("agency_may_edit").exists()
    assert list(Application.objects.that("shows_to_staff")) == [application]


def test_every_notification_in_the_transition_table_has_a_sender():
    assert lifecycle.unregistered_notifications() == []


@pytest.mark.django_db
def test_an_unregistered_notifier_fails_the_start_up_check(monkeypatch):
    call_command("check")
    monkeypatch.delitem(NOTIFIERS, "panel_opened")
    with pytest.raises(SystemCheckError, match="applications.E002.*panel_opened"):
        call_command("check")


@pytest.mark.django_db
def test_a_move_whose_notifier_is_missing_is_refused_not_sent_silently(monkeypatch):
    application = submitted_application()
    monkeypatch.delitem(NOTIFIERS, "application_returned")
    with pytest.raises(ImproperlyConfigured, match="application_returned"):
        transition(application, "return_to_agency", actor=staff_user(), reason="Fee missing")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
