"""Who may ask for, record and decide a review of a panel decision."""

import rules

from applications.lifecycle import Status
from applications.rules import is_lead_of_application_agency
from qualitymark.users.rules import is_coram_staff, is_panel_chair

from .selectors.appeals import appeal_of, appeal_window_is_open, is_independent_of


@rules.predicate
def is_decided(user, application):
    return application is not None and application.status == Status.DECIDED


@rules.predicate
def is_within_appeal_window(user, application):
    return application is not None and appeal_window_is_open(application)


@rules.predicate
def has_no_appeal(user, application):
    return application is not None and appeal_of(application) is None


@rules.predicate
def is_independent_of_appealed_decision(user, appeal):
    return appeal is not None and is_independent_of(user, appeal.application)


@rules.predicate
def appeal_may_be_acknowledged(user, appeal):
    return appeal is not None and appeal.may("acknowledge")


@rules.predicate
def appeal_may_be_decided(user, appeal):
    return appeal is not None and appeal.may("decide")


can_request_appeal = (
    is_lead_of_application_agency & is_decided & is_within_appeal_window & has_no_appeal
)
can_view_appeal = is_coram_staff | (is_panel_chair & is_independent_of_appealed_decision)
can_decide_appeal = is_panel_chair & is_independent_of_appealed_decision & appeal_may_be_decided

rules.add_perm("moderation.request_appeal", can_request_appeal)
rules.add_perm("moderation.view_appeal", can_view_appeal)
rules.add_perm("moderation.acknowledge_appeal", is_coram_staff & appeal_may_be_acknowledged)
rules.add_perm("moderation.decide_appeal", can_decide_appeal)
