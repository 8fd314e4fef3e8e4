"""The role areas: who may open the staff, moderator and agency pages at all.
Each permission is registered once; qualitymark.core.permissions asks them."""

import rules

from .roles import roles_of


@rules.predicate
def is_coram_staff(user):
    return roles_of(user).coram_staff


@rules.predicate
def is_moderator(user):
    return roles_of(user).moderator


@rules.predicate
def is_panel_chair(user):
    return roles_of(user).panel_chair


@rules.predicate
def is_agency_user(user):
    return roles_of(user).agency_user


rules.add_perm("users.use_staff_pages", is_coram_staff)
rules.add_perm("users.use_moderator_pages", is_moderator)
rules.add_perm("users.use_agency_pages", is_agency_user)
rules.add_perm("users.run_panel_meetings", is_coram_staff | is_panel_chair)
rules.add_perm("users.invite_to_scheme_roles", is_coram_staff)
rules.add_perm("users.change_staff_rights", is_coram_staff)
