"""The GOV.UK date input: what is not a date gets the field's message, whatever was typed."""

import datetime

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from moderation.forms.reviews import DueDateField
from qualitymark.core.forms import RealDateField


class MeetingForm(forms.Form):
    held_on = RealDateField(label="Date", require_all_fields=False)


class QuestionsForm(forms.Form):
    due_on = DueDateField(label="Answer by", require_all_fields=False)


def _bound(form_class, day, month, year):
    name = next(iter(form_class.base_fields))
    return form_class({f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}), name


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("1", "4", "9" * 30),
        ("9" * 30, "4", "2026"),
        ("1", "9" * 30, "2026"),
        ("30", "2", "2026"),
        ("1", "13", "2026"),
        ("0", "4", "2026"),
        ("1", "4", "0"),
    ],
)
@pytest.mark.parametrize(
    ("form_class", "message"),
    [
        (MeetingForm, "Enter a real date, for example 1 4 2026"),
        (QuestionsForm, "Enter a real date, for example 27 3 2026"),
    ],
)
def test_what_is_not_a_date_gets_the_message(form_class, message, day, month, year):
    form, name = _bound(form_class, day, month, year)
    assert not form.is_valid()
    assert form.errors[name] == [message]


def test_a_real_date_is_the_date():
    form, name = _bound(MeetingForm, "29", "2", "2028")
    assert form.is_valid(), form.errors
    assert form.cleaned_data[name] == datetime.date(2028, 2, 29)


@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=40))
def test_any_text_is_a_date_or_an_error_never_an_exception(day, month, year):
    form, name = _bound(MeetingForm, day, month, year)
    if form.is_valid():
        assert form.cleaned_data[name] is None or isinstance(form.cleaned_data[name], datetime.date)
    else:
        assert form.errors[name]


@pytest.mark.parametrize("form_class", [MeetingForm, QuestionsForm])
def test_spaces_alone_are_an_empty_date(form_class):
    form, name = _bound(form_class, " ", " ", " ")
    assert not form.is_valid()
    assert "This field is required." not in str(form.errors)
