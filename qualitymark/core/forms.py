"""Small helpers shared by every app's views for working with forms."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render


def posted(request):
    """The submitted data on POST, else None, so a form is bound on every POST,
    even one that sends nothing (no boxes ticked, a confirmation button)."""
    return request.POST if request.method == "POST" else None


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names,
    or in the error summary when it names none of the form's fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def gds_helper(*fields, submit_label="Save", method="post", button_id=None) -> FormHelper:
    """`button_id` tells the button apart when a page has two such forms."""
    helper = FormHelper()
    helper.form_method = method
    if method == "get":
        helper.disable_csrf = True
    button = Button("submit", submit_label, **({"css_id": button_id} if button_id else {}))
    helper.layout = Layout(*fields, button)
    return helper


class ConfirmForm(forms.Form):
    """A form with no questions, so a confirmation page can show errors in the
    usual error summary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()


def submit_form(request, form, action, *, success, then, refusals=()):
    """The form page's POST: when the form is valid, call `action()` (a service);
    a ValidationError it raises, or one of the `refusals` exception types, is
    shown on the form; otherwise flash `success` (None: the next page says it)
    and redirect to `then`. Each of `success` and `then` may be a function of
    what the action returned. Returns the redirect, or None to show the page again.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action()
    except ValidationError as error:
        apply_errors(form, error)
        return None
    except refusals as error:
        form.add_error(None, str(error))
        return None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(then(result) if callable(then) else then)


FORM_PAGE = "applications/form_page.html"
CONFIRM_PAGE = "applications/confirm_page.html"


def form_page(request, form, action, *, success, then, refusals=(), template=FORM_PAGE, **context):
    """A whole form page: `submit_form` on POST, else the page (`template`, by
    default the shared one-form page) with `form` and `context`."""
    done = submit_form(request, form, action, success=success, then=then, refusals=refusals)
    return done or render(request, template, {"form": form, **context})


class RealDateField(DateInputField):
    """The GOV.UK date input. Any day, month and year that make no date, a year too
    large for a date among them, get the one message."""

    not_a_date = "Enter a real date, for example 1 4 2026"

    def clean(self, value):
        # Spaces alone are an empty box (the library would say "This field is required.").
        if isinstance(value, list | tuple):
            value = [part.strip() if isinstance(part, str) else part for part in value]
        return super().clean(value)

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:
            raise ValidationError(self.not_a_date) from error


BIGGEST_KEY = 2**63 - 1


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    """Ticked records. A sent number too large to be a record's key is not one of the
    choices (SQLite, under `make run`, cannot even look it up: a 500 before this)."""

    def _check_values(self, value):
        for key in value:
            text = str(key).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > BIGGEST_KEY:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text},
                )
        return super()._check_values(value)
