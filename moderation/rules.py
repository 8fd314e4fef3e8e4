"""Who may do what in moderation. Predicates take the person and, where it
matters, the application."""

import rules

from qualitymark.users.roles import roles_of
from qualitymark.users.rules import is_coram_staff, is_panel_chair

from .access import active_assignment_for, is_conflicted_on


@rules.predicate
def is_profile_owner(user, profile):
    return profile is not None and profile.user_id == user.pk


@rules.predicate
def is_assigned_to(user, application):
    return application is not None and active_assignment_for(user, application) is not None


@rules.predicate
def is_conflicted(user, application):
    return application is not None and is_conflicted_on(user, application)


@rules.predicate
def is_at_panel(user, application):
    return application is not None and application.state.panel_may_decide


@rules.predicate
def is_under_review(user, application):
    return application is not None and application.state.moderators_may_review


@rules.predicate
def is_own_active_assignment(user, assignment):
    return (
        assignment is not None
        and assignment.moderator.user_id == user.pk
        and assignment.removed_at is None
    )


can_edit_moderator_profile = is_profile_owner | is_coram_staff
can_manage_moderators = is_coram_staff
can_review = is_assigned_to & ~is_conflicted
can_screen = is_coram_staff
can_request_information = (can_review & is_under_review) | is_coram_staff
can_chair_panel = is_panel_chair & ~is_conflicted

rules.add_perm("moderation.change_moderator_profile", can_edit_moderator_profile)
rules.add_perm("moderation.manage_moderators", can_manage_moderators)
rules.add_perm("moderation.screen_application", can_screen)
rules.add_perm("moderation.request_information", can_request_information)
rules.add_perm("moderation.open_panel", is_coram_staff)
rules.add_perm("moderation.record_decision", can_chair_panel & is_at_panel)
rules.add_perm("moderation.chair_panel", can_chair_panel)
rules.add_perm("moderation.assign_moderators", is_coram_staff)
rules.add_perm("moderation.manage_awards", is_coram_staff)
rules.add_perm("moderation.write_review", is_own_active_assignment)


@rules.predicate
def has_declared_no_conflict(user, assignment):
    return assignment.has_declared and not assignment.declared_conflict


@rules.predicate
def is_open_for_review(user, assignment):
    return assignment.application.state.moderators_may_review


rules.add_perm(
    "moderation.change_review",
    is_own_active_assignment & has_declared_no_conflict & is_open_for_review,
)


# --- Action plans of Working Towards awards ---------------------------------------------------


@rules.predicate
def is_member_of_award_agency(user, award):
    return award is not None and award.agency_id in roles_of(user).agency_ids


@rules.predicate
def is_lead_of_award_agency(user, award):
    return award is not None and award.agency_id in roles_of(user).lead_agency_ids


@rules.predicate
def is_live_working_towards(user, award):
    return award is not None and award.is_live and award.is_working_towards


@rules.predicate
def moderated_the_award(user, award):
    """A moderator who reviewed the application the award came from."""
    return award is not None and can_review(user, award.application)


can_acknowledge_action_plan = is_coram_staff | moderated_the_award

rules.add_perm("moderation.read_action_plan", is_member_of_award_agency)
rules.add_perm("moderation.edit_action_plan", is_lead_of_award_agency & is_live_working_towards)
rules.add_perm("moderation.acknowledge_action_plan", can_acknowledge_action_plan)
from . import appeal_rules  # noqa: E402, F401 - registers the rules for reviews of decisions
