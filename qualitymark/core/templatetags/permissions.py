"""The one way a template asks permission, through the same registered rules as
views and services:

    {% has_perm "applications.withdraw_application" user application as can_withdraw %}
"""

import rules
from django import template

register = template.Library()


@register.simple_tag
def has_perm(perm: str, user, obj=None) -> bool:
    return rules.has_perm(perm, user, obj)
