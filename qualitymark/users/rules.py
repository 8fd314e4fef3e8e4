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


rules.add_perm("users.invite_staff_roles", is_coram_staff)
rules.add_perm("users.view_people", is_coram_staff)
