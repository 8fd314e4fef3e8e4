"""`{% filter_form %}` writes a list page's filter form as `{% crispy %}` does
(issue 16: the same page, without crispy-forms' cost): for every filter form,
empty, filled in, and filled in wrongly (which it leaves to crispy-forms)."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory

from applications.forms.agencies import AgencyFilterForm
from applications.forms.invitations import InvitationFilterForm
from moderation.forms.awards import StaffAwardFilterForm
from moderation.forms.people import PeopleFilterForm
from moderation.forms.profiles import ModeratorFilterForm, RegionFilterForm
from moderation.forms.staff import ApplicationFilterForm
from moderation.views.notification_log import LogFilterForm
from qualitymark.core.templatetags.filter_forms import light_form
from qualitymark.governance.forms import ContentViewFilterForm

FORMS = {
    "agencies": AgencyFilterForm,
    "invitations": InvitationFilterForm,
    "awards": StaffAwardFilterForm,
    "people": PeopleFilterForm,
    "moderators": ModeratorFilterForm,
    "regions": RegionFilterForm,
    "applications": lambda data: ApplicationFilterForm(data, counts={"submitted": 3}),
    "notification log": LogFilterForm,
    "content views": ContentViewFilterForm,
}


def _render(source, form):
    template = engines["django"].from_string(source)
    return template.render({"filter_form": form}, RequestFactory().get("/"))


def _same_markup(html: str) -> str:
    """Whitespace between and just inside tags is not part of the page."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*([<>])\s*", r"\1", html).strip()


def _filled_in(form_class):
    """Every text box typed in (with characters to escape), every drop-down
    set to its last choice."""
    form = form_class(None)
    data = {}
    for name, field in form.fields.items():
        choices = getattr(field, "choices", None)
        data[name] = list(choices)[-1][0] if choices else 'Smith & "Jones" <x>'
    return data


def _as_crispy_and_light(form_class, data):
    crispy = _render("{% load crispy_forms_tags %}{% crispy filter_form %}", form_class(data))
    light = _render("{% load filter_forms %}{% filter_form filter_form %}", form_class(data))
    return crispy, light


@pytest.mark.parametrize("name", FORMS)
def test_an_empty_filter_form_is_written_as_crispy_forms_writes_it(name):
    assert light_form(FORMS[name](None)) is not None, "the light form must be used"
    crispy, light = _as_crispy_and_light(FORMS[name], None)
    assert _same_markup(light) == _same_markup(crispy)


@pytest.mark.parametrize("name", FORMS)
def test_a_filled_in_filter_form_is_written_as_crispy_forms_writes_it(name):
    data = _filled_in(FORMS[name])
    assert light_form(FORMS[name](data)) is not None, "the light form must be used"
    crispy, light = _as_crispy_and_light(FORMS[name], data)
    assert 'value="' in light or "selected" in light
    assert _same_markup(light) == _same_markup(crispy)


@pytest.mark.parametrize("name", FORMS)
def test_a_filter_form_with_errors_is_left_to_crispy_forms(name):
    data = {field: "x" * 300 for field in FORMS[name](None).fields}
    assert FORMS[name](data).errors
    assert light_form(FORMS[name](data)) is None
    crispy, light = _as_crispy_and_light(FORMS[name], data)
    assert light == crispy
    assert "govuk-error-message" in light
