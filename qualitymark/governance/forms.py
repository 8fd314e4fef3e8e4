from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from .models import RetentionRule


def _helper(*fields, submit_label: str, method: str = "post", warning=False) -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    if method == "get":
        helper.disable_csrf = True
    button = Button.warning if warning else Button
    helper.layout = Layout(*fields, button("submit", submit_label))
    return helper


class RetentionRuleForm(forms.ModelForm):
    class Meta:
        model = RetentionRule
        # Which records and when the period starts are what the daily job's code does:
        # shown, not typed, so the privacy notice cannot say otherwise.
        fields = ["period_months", "why"]
        widgets = {"why": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        months = self.fields["period_months"]
        months.validators = [
            MinValueValidator(1, "The period must be at least 1 month"),
            MaxValueValidator(240, "The period must be 240 months (20 years) or less"),
        ]
        months.error_messages["invalid"] = "Enter the period as a whole number of months"
        for name, message in (
            ("period_months", "Enter the period in months"),
            ("why", "Enter why the records are kept this long"),
        ):
            self.fields[name].error_messages["required"] = message
        self.helper = _helper(
            Field.text("period_months", field_width=4),
            Field.textarea("why"),
            submit_label="Save the rule",
        )


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label="Why is this account being erased?",
        help_text="For example, the request and the date it was received. Do not write the "
        "person's name or e-mail address: the reason is kept in the audit trail.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label="I understand the name, e-mail address and contact details cannot be restored",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason"),
            Field.checkbox("confirm"),
            submit_label="Erase this person",
            warning=True,
        )


class ContentViewFilterForm(forms.Form):
    application = forms.CharField(
        label="Application reference or number", required=False, max_length=20
    )
    person = forms.CharField(
        label="Person's e-mail address or name",
        help_text="The whole e-mail address, or any part of the name.",
        required=False,
        max_length=200,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("application", field_width=Fluid.FULL),
            Field.text("person", field_width=Fluid.FULL),
            submit_label="Filter",
            method="get",
        )
