"""`{% filter_form form %}`: a list page's filter form, the same markup as
`{% crispy form %}` without the layout machinery (issue 16).

A filter form (text boxes and drop-downs, sent by GET, one button) costs
crispy-forms two to four milliseconds a page, most of it a template per
drop-down option. This tag writes the same elements in Python. Any form it
does not know how to write exactly (errors to show, other widgets, layout
options) is handed to crispy-forms, so the page never differs;
tests/core/test_filter_forms.py compares the two for every filter form.
"""

import copy

from crispy_forms.templatetags.crispy_forms_tags import CrispyFormNode
from crispy_forms_gds.layout import Button, Field
from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify

register = template.Library()

WIDGET_CLASSES = {forms.TextInput: "govuk-input", forms.Select: "govuk-select"}
# FormHelper settings the light form honours; any other value goes to crispy-forms.
HELPER_DEFAULTS = {
    "form_tag": True,
    "form_id": "",
    "form_class": "",
    "form_action": "",
    "form_show_errors": True,
    "form_show_labels": True,
    "render_unmentioned_fields": False,
    "render_hidden_fields": False,
    "render_required_fields": False,
    "template": None,
    "field_template": None,
    "label_size": "",
    "inputs": [],
    "attrs": {},
}


@register.simple_tag(takes_context=True)
def filter_form(context, form):
    html = light_form(form)
    if html is not None:
        return html
    with context.push(crispy_filter_form=form):
        return CrispyFormNode("crispy_filter_form", None).render(context)


def light_form(form) -> str | None:
    """The form's markup, or None when crispy-forms must write it."""
    parts = _light_parts(form)
    if parts is None:
        return None
    fields, button = parts
    form.use_required_attribute = False  # as the GOV.UK FormHelper does
    rows = "".join(_form_group(form[field.fields[0]], field.attrs) for field in fields)
    return mark_safe(f'<form  method="get" novalidate>{rows}{_button(button)}</form>')  # noqa: S308 - every part escaped


def _light_parts(form):
    helper = getattr(form, "helper", None)
    if (
        helper is None
        or helper.layout is None
        or helper.form_method != "get"
        or not helper.disable_csrf
        or any(getattr(helper, name) != value for name, value in HELPER_DEFAULTS.items())
        or form.is_multipart()
        or (form.is_bound and form.errors)
    ):
        return None
    *fields, button = helper.layout.fields
    if type(button) is not Button or not fields:
        return None
    if all(_light_field(form, field) for field in fields):
        return fields, button
    return None


def _light_field(form, field) -> bool:
    if type(field) is not Field or len(field.fields) != 1 or field.context:
        return False
    if set(field.attrs) - {"class"} or field.template != Field.template:
        return False
    name = field.fields[0]
    return name in form.fields and type(form.fields[name].widget) in WIDGET_CLASSES


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _widget_attrs(bound, extra_class: str) -> dict:
    """What crispy-forms-gds sets on the widget before Django renders it."""
    widget = bound.field.widget
    attrs = dict(widget.attrs)
    if extra_class:  # the layout's class replaces the widget's, as crispy-forms updates it
        attrs["class"] = extra_class
    classes = [WIDGET_CLASSES[type(widget)]]
    classes += [name for name in attrs.get("class", "").split() if name not in classes]
    if bound.help_text:
        attrs["aria-describedby"] = f"{bound.auto_id}_hint"
    attrs["class"] = " ".join(classes)
    return attrs


def _widget(bound, extra_class: str) -> str:
    """BoundField.as_widget() with crispy-forms-gds's attributes, written out
    as Django's input.html, select.html and select_option.html write it."""
    widget = copy.copy(bound.field.widget)
    widget.attrs = _widget_attrs(bound, extra_class)
    # Django's own aria-describedby (id_x_helptext) gives way to the hint's.
    hint = {"aria-describedby": widget.attrs["aria-describedby"]} if bound.help_text else {}
    attrs = bound.build_widget_attrs(hint, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    if isinstance(widget, forms.Select):
        groups = "".join(_option_group(*group) for group in context["optgroups"])
        return f'<select name="{name}"{_attrs(context["attrs"])}>{groups}</select>'
    value = context["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    kind = conditional_escape(context["type"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(context["attrs"])}>'


def _option_group(group_name, options, _index) -> str:
    written = "".join(
        f'<option value="{conditional_escape(str(option["value"]))}"'
        f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
        for option in options
    )
    if group_name:
        return f'<optgroup label="{conditional_escape(group_name)}">{written}</optgroup>'
    return written


def _form_group(bound, attrs: dict) -> str:
    """gds/field.html for a field without errors."""
    auto_id = conditional_escape(bound.auto_id)
    label = (
        f'<label for="{conditional_escape(bound.id_for_label)}" class="govuk-label">'
        f"{bound.label}</label>"
        if bound.label
        else ""
    )
    hint = (
        f'<div id="{auto_id}_hint" class="govuk-hint">{bound.help_text}</div>'
        if bound.help_text
        else ""
    )
    css = bound.css_classes()
    classes = f" {conditional_escape(css)}" if css else ""
    widget = _widget(bound, attrs.get("class", ""))
    return f'<div id="div_{auto_id}" class="govuk-form-group{classes}">{label}{hint}{widget}</div>'


def _button(button) -> str:
    """gds/layout/button.html"""
    name = slugify(button.name) if len(button.name.split()) > 1 else button.name
    classes = conditional_escape(button.field_classes)
    css_id = conditional_escape(button.id or "id_" + slugify(button.name))
    return (
        f'<button name="{conditional_escape(name)}" class="{classes}" id="{css_id}"'
        f"{button.flat_attrs}>{button.value}</button>"
    )
