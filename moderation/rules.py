import rules

from qualitymark.users.rules import is_coram_staff, is_moderator


@rules.predicate
def is_profile_owner(user, profile):
    return profile is not None and profile.user_id == user.pk


can_edit_moderator_profile = (is_moderator & is_profile_owner) | is_coram_staff
can_manage_moderators = is_coram_staff

rules.add_perm("moderation.change_moderator_profile", can_edit_moderator_profile)
rules.add_perm("moderation.manage_moderators", can_manage_moderators)
