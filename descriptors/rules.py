import rules

from qualitymark.users.rules import is_coram_staff

rules.add_perm("descriptors.manage_frameworks", is_coram_staff)
