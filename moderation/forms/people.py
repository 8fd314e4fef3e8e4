from crispy_forms_gds.layout import Field, Fluid
from django import forms

from qualitymark.core.forms import gds_helper

from ..selectors.people import ROLE_FILTERS


class PeopleFilterForm(forms.Form):
    query = forms.CharField(label="Search by name or e-mail", required=False, max_length=200)
    role = forms.ChoiceField(
        choices=[("", "Any role")] + list(ROLE_FILTERS.items()), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("query", field_width=Fluid.FULL),
            Field.select("role"),
            submit_label="Filter people",
            method="get",
        )
