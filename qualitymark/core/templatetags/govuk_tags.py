"""A state's GOV.UK tag, written without an {% include %} (a list of fifty rows
paid for fifty template renders)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def govuk_tag(state) -> str:
    """`state` has a `tag` (its CSS modifier class) and a `label`."""
    return format_html('<strong class="govuk-tag {}">{}</strong>', state.tag, state.label)
