"""GOV.UK Design System form markup for Django forms, used by the account pages.

allauth's forms carry title-case labels, placeholders and terse error messages.
These tags render each field as a GOV.UK form group (label, hint, error message
beside the field) and the form's errors as a GOV.UK error summary, in the
service's own plain English.
"""

import copy
import re
from dataclasses import dataclass

from django import forms, template
from django.conf import settings
from django.utils.safestring import mark_safe

from qualitymark.core.middleware import needs_second_factor, wanted_path
from qualitymark.core.sign_in_limit import session_length_words
from qualitymark.users.roles import roles_of

register = template.Library()

# Field names used by allauth's account and MFA forms, with labels that read
# like the rest of the service.
LABELS = {
    "login": "E-mail address",
    "email": "E-mail address",
    "password": "Password",
    "oldpassword": "Current password",
    "password1": "New password",
    "password2": "Confirm new password",
    "code": "Code",
}

# What to say when a field is left empty (GOV.UK: say what to do, not what is wrong).
REQUIRED_MESSAGES = {
    "login": "Enter your e-mail address",
    "email": "Enter your e-mail address",
    "password": "Enter your password",
    "oldpassword": "Enter your current password",
    "password1": "Enter a new password",
    "password2": "Enter your new password again",
    "code": "Enter the code from your authenticator app",
}


def _rate_limit_wait() -> str:
    """'5 minutes' from a rate such as '5/5m/ip,5/5m/key'."""
    rates = getattr(settings, "ACCOUNT_RATE_LIMITS", {}) or {}
    match = re.search(r"/(\d*)([smhd])", str(rates.get("login_failed", "")))
    if not match:
        return "a few minutes"
    amount = int(match.group(1) or 1)
    unit = {"s": "second", "m": "minute", "h": "hour", "d": "day"}[match.group(2)]
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def _reworded(code: str | None, field_name: str) -> str | None:
    if code == "required":
        return REQUIRED_MESSAGES.get(field_name)
    if code == "invalid" and field_name in {"login", "email"}:
        return "Enter an e-mail address in the correct format, like name@example.org"
    if code == "email_password_mismatch":
        return "The e-mail address or password is not right. Check them and try again."
    if code == "too_many_login_attempts":
        return (
            "There have been too many failed attempts to sign in. "
            f"For your security, wait {_rate_limit_wait()} before you try again, "
            "or reset your password."
        )
    if code == "incorrect_code":
        return (
            "The code is not right. Enter the code your authenticator app shows now, "
            "or one of your recovery codes."
        )
    if code == "incorrect_password":
        return "The password is not right"
    if code == "unverified_email":
        return "Confirm your e-mail address before you set up an authenticator app."
    return None


def error_messages(form, name: str) -> list[str]:
    """The errors for one field (or '__all__'), in the service's wording."""
    if form is None or not form.is_bound:
        return []
    messages = []
    for error in form.errors.as_data().get(name, []):
        for code_error in error.error_list:
            text = _reworded(code_error.code, name)
            if text is None:
                text = " ".join(str(message) for message in code_error)
            if text not in messages:
                messages.append(text)
    return messages


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    return "input"


def _target_id(field: forms.BoundField) -> str:
    """The id an error summary link should move focus to."""
    if _kind(field) in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0" if field.auto_id else ""
    return field.id_for_label or field.auto_id or ""


@dataclass(frozen=True)
class SummaryItem:
    href: str
    text: str


def summary_items(form) -> list[SummaryItem]:
    if form is None or not getattr(form, "is_bound", False) or not form.errors:
        return []
    visible = form.visible_fields()
    first = f"#{_target_id(visible[0])}" if visible else ""
    items = [SummaryItem(first, text) for text in error_messages(form, "__all__")]
    for field in visible:
        items.extend(
            SummaryItem(f"#{_target_id(field)}", text) for text in error_messages(form, field.name)
        )
    for field in form.hidden_fields():
        items.extend(SummaryItem(first, text) for text in error_messages(form, field.name))
    return items


@register.inclusion_tag("allauth/govuk/error_summary.html")
def govuk_error_summary(form):
    return {"items": summary_items(form)}


def _widget_classes(kind: str, *, has_errors: bool, width: str | None) -> list[str]:
    classes = {
        "input": ["govuk-input"],
        "password": ["govuk-input", "govuk-password-input__input", "govuk-js-password-input-input"],
        "textarea": ["govuk-textarea"],
        "select": ["govuk-select"],
        "checkbox": ["govuk-checkboxes__input"],
    }.get(kind, [])
    if has_errors and kind in {"input", "password", "textarea", "select"}:
        classes.append(f"{classes[0]}--error")
    if width:
        classes.append(width)
    return classes


@register.inclusion_tag("allauth/govuk/field.html")
def govuk_field(field, label=None, hint=None, autocomplete=None, width=None, inputmode=None):
    """One GOV.UK form group. `hint=""` hides the field's help text; `width` adds
    a GOV.UK width class such as "govuk-input--width-10"."""
    if field is None or field == "":
        return {"field": None}
    kind = _kind(field)
    field_id = field.auto_id or field.html_name
    errors = error_messages(field.form, field.name)
    hint_html = field.help_text if hint is None else hint
    describedby = []
    if hint_html:
        describedby.append(f"{field_id}-hint")
    if errors:
        describedby.append(f"{field_id}-error")

    classes = _widget_classes(kind, has_errors=bool(errors), width=width)
    widget = copy.copy(field.field.widget)
    # GOV.UK: labels and hints, never placeholders.
    widget.attrs = {key: value for key, value in widget.attrs.items() if key != "placeholder"}
    attrs = {}
    if classes:
        attrs["class"] = " ".join(classes)
    if describedby and kind not in {"radios", "checkboxes"}:
        attrs["aria-describedby"] = " ".join(describedby)
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if inputmode:
        attrs["inputmode"] = inputmode
    if kind == "password" or field.name in {"login", "email", "code"}:
        attrs["spellcheck"] = "false"
        attrs["autocapitalize"] = "none"
    widget_html = ""
    if kind not in {"radios", "checkboxes"}:
        attrs["id"] = field_id
        if field.field.disabled:
            attrs["disabled"] = True
        if errors:
            attrs["aria-invalid"] = "true"
        widget_html = widget.render(
            name=field.html_name, value=field.value(), attrs=attrs, renderer=field.form.renderer
        )

    return {
        "field": field,
        "kind": kind,
        "id": field_id,
        "label": label if label is not None else LABELS.get(field.name, field.label),
        "hint": mark_safe(hint_html) if hint_html else "",  # noqa: S308 - help text is ours or allauth's
        "errors": errors,
        "describedby": " ".join(describedby),
        "widget": widget_html,
        "options": list(field) if kind in {"radios", "checkboxes"} else [],
    }


@register.inclusion_tag("allauth/govuk/fields.html")
def govuk_fields(form):
    """Every field of a form, hidden ones first."""
    return {"form": form}


@register.filter
def squash(value) -> str:
    """Collapse runs of whitespace, for text taken from multi-line blocks."""
    return " ".join(str(value).split())


@register.filter
def spaced(value, size=4) -> str:
    """'ABCDEFGH' -> 'ABCD EFGH', so a long key is easier to copy by hand."""
    text = str(value)
    size = int(size)
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@register.inclusion_tag("includes/contact_address.html")
def quality_mark_contact() -> dict:
    """The Quality Mark team's published address (and phone, if set), as links."""
    return {
        "email": settings.QUALITYMARK_CONTACT_EMAIL,
        "phone": settings.QUALITYMARK_CONTACT_PHONE,
    }


register.simple_tag(session_length_words, name="session_lifetime")


@register.simple_tag
def second_factor_required(user) -> bool:
    return needs_second_factor(user)


@register.simple_tag
def second_factor_reason(user) -> str:
    """Why this person must use an authenticator app, or '' when it is optional."""
    if not needs_second_factor(user):
        return ""
    roles = roles_of(user)
    parts = []
    if roles.coram_staff:
        parts.append("manage the scheme as Coram staff")
    if roles.panel_chair:
        parts.append("chair the moderation panel")
    elif roles.moderator:
        parts.append("moderate applications")
    if user.is_staff:
        parts.append("can open the technical administration site")
    roles_text = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return (
        f"You must use an authenticator app because you {roles_text}. "
        "You can see applications and evidence from many agencies about their work with "
        "children and families, so your account needs more protection than a password."
    )


@register.simple_tag(takes_context=True)
def second_factor_next(context) -> str:
    """The page a person was sent away from to set up an authenticator app."""
    request = context.get("request")
    return wanted_path(request) if request is not None else ""
