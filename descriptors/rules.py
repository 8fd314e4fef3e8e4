import rules

from qualitymark.users.rules import is_coram_staff


@rules.predicate
def is_draft(framework):
    return framework is not None and framework.is_draft


@rules.predicate
def is_locked(framework):
    return framework is not None and framework.is_locked


can_manage_frameworks = is_coram_staff
can_edit_framework = is_coram_staff & is_draft
can_publish_framework = is_coram_staff & is_draft
can_create_version_from = is_coram_staff & is_locked

rules.add_perm("descriptors.manage_frameworks", can_manage_frameworks)
rules.add_perm("descriptors.edit_framework", can_edit_framework)
rules.add_perm("descriptors.publish_framework", can_publish_framework)
rules.add_perm("descriptors.create_version_from", can_create_version_from)
