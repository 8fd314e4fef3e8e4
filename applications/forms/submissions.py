from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from ..models.submissions import ApplicationKind, Level


def _helper(*fields, submit_label: str, warning: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.attrs = {"novalidate": ""}
    button = Button.warning if warning else Button.primary
    helper.layout = Layout(*fields, button("submit", submit_label))
    return helper


class _KindField(forms.ChoiceField):
    """Offers only the kinds the agency may start, but takes any kind, so that
    the service says why one it may not start is refused."""

    def valid_value(self, value):
        return value in ApplicationKind.values


class StartApplicationForm(forms.Form):
    kind = _KindField(
        label="What kind of application is this?",
        choices=ApplicationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of application this is"},
    )
    level_sought = forms.ChoiceField(
        label="Which level of the Quality Mark are you applying for?",
        choices=Level.choices,
        widget=forms.RadioSelect,
        help_text="Full recognises established good practice. Working Towards recognises an "
        "agency that is building its early permanence practice and has a plan to develop it.",
        error_messages={"required": "Select the level you are applying for"},
    )
    prefill_from = forms.ModelChoiceField(
        label="Copy the answers from an earlier application (optional)",
        queryset=None,
        required=False,
        empty_label="Do not copy – start with empty sections",
        help_text="For a renewal or an upgrade. Every copied section is marked as in progress "
        "so that you can check it before you submit.",
        error_messages={
            "invalid_choice": "Select one of your agency's earlier applications, "
            "or choose not to copy"
        },
    )

    def __init__(self, *args, earlier_applications, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = options.allowed_choices
        if options.award is not None and options.refusals.keys() != {"renewal", "upgrade"}:
            self.fields["prefill_from"].initial = options.award.application_id
        self.fields["prefill_from"].queryset = earlier_applications
        self.fields["prefill_from"].label_from_instance = lambda application: (
            f"{application.reference} – {application.get_level_sought_display()}, "
            f"{application.get_status_display().lower()}"
        )
        fields = [
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.radios("level_sought", legend_size=Size.MEDIUM),
        ]
        if len(options.allowed_choices) > 1 and earlier_applications.exists():
            fields.append(Field.select("prefill_from"))
        else:
            del self.fields["prefill_from"]
        self.helper = _helper(*fields, submit_label="Start application")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ApplicationKind.NEW:
            cleaned["prefill_from"] = None
        if (
            cleaned.get("kind") == ApplicationKind.UPGRADE
            and cleaned.get("level_sought") != Level.FULL
        ):
            self.add_error(
                "level_sought", "An upgrade from Working Towards is an application for Full"
            )
        return cleaned


class DeclarationForm(forms.Form):
    name = forms.CharField(
        label="Your full name",
        max_length=150,
        error_messages={"required": "Enter your full name"},
    )
    role = forms.CharField(
        label="Your job title",
        max_length=150,
        help_text="For example, Head of Service or Early Permanence Lead.",
        error_messages={"required": "Enter your job title"},
    )
    confirm_accurate = forms.BooleanField(
        label="I confirm that the information in this application is accurate and complete "
        "to the best of my knowledge",
        error_messages={"required": "Confirm that the information is accurate"},
    )
    confirm_anonymous = forms.BooleanField(
        label="I confirm that this application, including every supporting document, does not "
        "name or identify any child, adopter, birth relative or other person who uses our services",
        error_messages={"required": "Confirm that the application identifies nobody"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"),
            Field.text("role"),
            Field.checkbox("confirm_accurate"),
            Field.checkbox("confirm_anonymous"),
            submit_label="Sign the declaration",
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing the application?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Coram staff and any moderators assigned to it are told, with this reason.",
        error_messages={"required": "Enter why you are withdrawing the application"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("reason"), submit_label="Withdraw application", warning=True)


class ConfirmIdentifierForm(forms.Form):
    source = forms.CharField(max_length=60)
    kind = forms.CharField(max_length=30)
    text = forms.CharField(max_length=255, strip=False)
