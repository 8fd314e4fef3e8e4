"""Forms for reviews of decisions: the agency lead's request, Coram staff's
record of it, and the independent chair's outcome."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from ..models.appeals import Appeal

TEXT_LIMIT = 5000


def _helper(*fields, submit_label: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", submit_label))
    return helper


class AppealRequestForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label="Why should the decision be reviewed?",
        choices=Appeal.Grounds.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Choose the grounds for the review"},
    )
    explanation = forms.CharField(
        label="Explain what went wrong",
        widget=forms.Textarea,
        max_length=TEXT_LIMIT,
        help_text="Say which descriptors, evidence or steps you mean. A panel chair who took "
        "no part in the decision reads this.",
        error_messages={"required": "Explain why the decision should be reviewed"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.checkboxes("grounds", legend_size=Size.MEDIUM),
            Field.textarea("explanation", rows=8, label_size=Size.MEDIUM),
            submit_label="Ask for a review",
        )


class AcknowledgeAppealForm(forms.Form):
    note = forms.CharField(
        label="Note to the agency (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=TEXT_LIMIT,
        help_text="For example, when the review is likely to be decided.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("note", rows=3), submit_label="Record the request")


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the review",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the review"},
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea,
        max_length=TEXT_LIMIT,
        help_text="The agency reads these with the outcome.",
        error_messages={"required": "Give the reasons for the outcome"},
    )

    def __init__(self, *args, current_outcome: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (value, label) for value, label in Appeal.Outcome.choices if value != current_outcome
        ]
        self.helper = _helper(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("reasons", rows=6, label_size=Size.MEDIUM),
            submit_label="Record the outcome of the review",
        )
