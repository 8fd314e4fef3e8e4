"""Forms for action plans: an action, the progress report, its acknowledgement."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from qualitymark.core.forms import RealDateField, gds_helper

from ..models.action_plans import ActionProgress
from ..models.workflow import DescriptorFeedback

__all__ = ["AcknowledgeForm", "ActionForm", "ProgressReportForm"]


class _AreaField(forms.ModelChoiceField):
    def label_from_instance(self, feedback):
        return f"{feedback.descriptor.code} {feedback.descriptor.title}"


class ActionForm(forms.Form):
    area = _AreaField(
        label="Which area to develop is this action for?",
        queryset=DescriptorFeedback.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the area to develop this action is for"},
    )
    description = forms.CharField(
        label="What will you do?",
        max_length=2000,
        help_text="One concrete step towards the area to develop.",
        widget=forms.Textarea,
        error_messages={"required": "Describe the action"},
    )
    owner = forms.CharField(
        label="Who owns this action?",
        max_length=150,
        help_text="A role or a colleague's name, for example ‘EP champion’.",
        error_messages={"required": "Enter who owns this action"},
    )
    target_on = RealDateField(
        label="Target date", help_text="For example, 30 9 2027.", require_all_fields=False
    )
    progress = forms.ChoiceField(
        label="Progress",
        choices=ActionProgress.choices,
        initial=ActionProgress.NOT_STARTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how far the action has got"},
    )
    progress_note = forms.CharField(
        label="Progress so far (optional)",
        max_length=2000,
        widget=forms.Textarea,
        required=False,
        help_text="What has been done, and what is left.",
    )

    def __init__(self, *args, areas, was=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.was = was
        self.fields["area"].queryset = areas
        self.fields["target_on"].error_messages["required"] = "Enter the target date"
        self.helper = gds_helper(
            Field.radios("area", legend_size=Size.SMALL),
            Field.textarea("description", rows=4, max_characters=2000),
            Field.text("owner"),
            Field("target_on"),
            Field.radios("progress", legend_size=Size.SMALL, inline=True),
            Field.textarea("progress_note", rows=4, max_characters=2000),
            submit_label="Save action",
        )

    def clean_target_on(self):
        target_on = self.cleaned_data["target_on"]
        if target_on < timezone.localdate() and target_on != self.was:
            raise forms.ValidationError("The target date must be today or in the future")
        return target_on


class ProgressReportForm(forms.Form):
    summary = forms.CharField(
        label="Your progress at the mid-point",
        max_length=5000,
        widget=forms.Textarea,
        help_text="What you have done on each area to develop, what has changed for children "
        "and families, and what is still to do.",
        error_messages={"required": "Describe your progress"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("summary", rows=10, max_characters=5000),
            submit_label="Send progress report",
        )


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label="Your comment to the agency",
        max_length=5000,
        help_text="The agency's leads are e-mailed your comment.",
        widget=forms.Textarea,
        error_messages={"required": "Enter a comment for the agency"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("comment", rows=6, max_characters=5000),
            submit_label="Acknowledge progress",
        )
