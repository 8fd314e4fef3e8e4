"""Forms for Coram staff's screening, assignment and information-request pages.

The forms check what a person typed; the services decide what is allowed and
their ValidationErrors are shown on these forms with apply_errors."""

from datetime import date

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    Button,
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fieldset,
    Fixed,
    Layout,
    Size,
)
from django import forms
from django.utils import timezone

from applications.lifecycle import Status
from qualitymark.core.forms import RealDateField, gds_helper

from ..models.workflow import Assignment, FeeStatus

__all__ = [
    "ApplicationFilterForm",
    "AssignModeratorForm",
    "DueDateForm",
    "EligibilityForm",
    "FeeForm",
    "InformationRequestForm",
    "QUESTION_ROWS",
    "ReasonForm",
]

QUESTION_ROWS = 5


def date_field(label: str, *, help_text: str = "", required: bool = True, missing: str = ""):
    field = RealDateField(
        label=label, help_text=help_text, required=required, require_all_fields=False
    )
    if missing:
        field.error_messages["required"] = missing
    return field


def _example(day: date) -> str:
    return f"For example, {day.day} {day.month} {day.year}."


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args, counts: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        counts = counts or {}
        total = sum(counts.values())
        self.fields["status"].choices = [("", f"Every status ({total})")] + [
            (value, f"{label} ({counts.get(value, 0)})")
            for value, label in Status.choices
            if value != Status.DRAFT
        ]
        self.helper = gds_helper(
            Field.select("status"), submit_label="Show applications", method="get"
        )


class FeeForm(forms.Form):
    fee_status = forms.ChoiceField(
        label="Has the fee been paid?",
        choices=[
            (FeeStatus.PAID, "Yes, it has been paid"),
            (FeeStatus.WAIVED, "No, the fee is waived"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the fee has been paid or waived"},
    )
    paid_on = date_field(
        "Date the payment was received",
        help_text=_example(date(2026, 3, 27)),
        required=False,
    )
    invoice_number = forms.CharField(label="Invoice number", required=False, max_length=50)
    reason = forms.CharField(
        label="Why is the fee waived?",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            ConditionalRadios(
                "fee_status",
                ConditionalQuestion(
                    "Yes, it has been paid",
                    Field("paid_on"),
                    Field.text("invoice_number", field_width=Fixed.TEN),
                ),
                ConditionalQuestion("No, the fee is waived", Field.textarea("reason", rows=3)),
            ),
            submit_label="Save fee",
        )

    def clean(self):
        data = super().clean()
        status = data.get("fee_status")
        if status == FeeStatus.PAID:
            paid_on = data.get("paid_on")
            if paid_on is None and "paid_on" not in self.errors:
                self.add_error("paid_on", "Enter the date the payment was received")
            elif paid_on is not None and paid_on > timezone.localdate():
                self.add_error("paid_on", "The date the payment was received must be in the past")
            if not (data.get("invoice_number") or "").strip():
                self.add_error("invoice_number", "Enter the invoice number")
        elif status == FeeStatus.WAIVED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the fee is waived")
        return data


class EligibilityForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label="Is the agency eligible for the Quality Mark?",
        choices=[("yes", "Yes, it is eligible"), ("no", "No, or not yet confirmed")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the agency is eligible"},
    )
    notes = forms.CharField(
        label="Notes (optional if eligible)",
        help_text="For example, what you checked, or why the agency is not eligible.",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("eligible", legend_size=Size.MEDIUM),
            Field.textarea("notes", rows=4),
            submit_label="Save eligibility",
        )

    def clean(self):
        data = super().clean()
        if data.get("eligible") is False and not (data.get("notes") or "").strip():
            self.add_error("notes", "Say why the agency is not eligible, or not yet")
        return data


def _moderator_choice(candidate) -> Choice:
    user = candidate.moderator.user
    label = user.get_full_name()
    details = [
        f"{candidate.open_reviews} open review{'s' if candidate.open_reviews != 1 else ''}",
        ", ".join(candidate.moderator.expertise_labels()) or "No expertise given",
    ]
    if candidate.already_assigned:
        label += " (already assigned)"
    if candidate.is_conflicted:
        label += " (conflict of interest)"
        details.append(
            "Cannot be assigned: " + "; ".join(conflict.reason for conflict in candidate.conflicts)
        )
    return Choice(str(candidate.moderator.pk), label, hint=" · ".join(details))


class AssignModeratorForm(forms.Form):
    """Choose from every active moderator. Conflicted ones are listed, flagged
    and refused, so the person assigning can see why someone is missing from
    the suggestion."""

    moderator = forms.ChoiceField(
        label="Moderator",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a moderator",
            "invalid_choice": "Choose a moderator from the list",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Assignment.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the moderator's role"},
    )
    due_on = date_field("Review due by", missing="Enter the date the review is due")

    def __init__(self, *args, candidates, current_lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.moderator.pk): c for c in candidates}
        self.current_lead = current_lead
        self.fields["moderator"].choices = [_moderator_choice(c) for c in candidates]
        self.fields["due_on"].help_text = _example(timezone.localdate())
        if current_lead is not None:
            lead_name = current_lead.moderator.user.get_full_name()
            self.fields["role"].help_text = f"{lead_name} is the lead moderator."
        self.helper = gds_helper(
            Field.radios("moderator", legend_size=Size.MEDIUM, small=True),
            Field.radios("role", legend_size=Size.SMALL),
            Field("due_on"),
            submit_label="Assign moderator",
        )

    def clean_moderator(self):
        candidate = self.candidates[self.cleaned_data["moderator"]]
        name = candidate.moderator.user.get_full_name()
        if candidate.is_conflicted:
            raise forms.ValidationError(
                f"{name} cannot review this application: "
                + "; ".join(conflict.reason for conflict in candidate.conflicts)
            )
        if candidate.already_assigned:
            raise forms.ValidationError(f"{name} is already assigned to this application")
        return candidate.moderator

    def clean_role(self):
        role = self.cleaned_data["role"]
        if role == Assignment.Role.LEAD and self.current_lead is not None:
            raise forms.ValidationError(
                f"{self.current_lead.moderator.user.get_full_name()} is already the lead "
                "moderator. Assign this moderator as second, or remove the lead first"
            )
        return role

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The due date must be today or in the future")
        return due_on


class DueDateForm(forms.Form):
    due_on = date_field("Review due by", missing="Enter the date the review is due")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].help_text = _example(timezone.localdate())
        self.helper = gds_helper(Field("due_on"), submit_label="Change due date")

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The due date must be today or in the future")
        return due_on


class ReasonForm(forms.Form):
    """A reason and a confirmation button: removing a moderator, returning an
    application to its agency."""

    reason = forms.CharField(widget=forms.Textarea, max_length=2000)

    def __init__(
        self,
        *args,
        label: str,
        help_text: str = "",
        missing: str,
        submit_label: str,
        warning: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.help_text = help_text
        field.error_messages["required"] = missing
        button = Button.warning if warning else Button.primary
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=5),
            button("submit", submit_label),
        )


class InformationRequestForm(forms.Form):
    """Up to QUESTION_ROWS questions, each optionally about one descriptor.
    Blank rows are ignored."""

    due_on = date_field(
        "When should the agency answer by?", missing="Enter the date the answers are due"
    )

    def __init__(self, *args, descriptors, **kwargs):
        super().__init__(*args, **kwargs)
        self.descriptors = {str(descriptor.pk): descriptor for descriptor in descriptors}
        choices = [("", "The application in general")] + [
            (str(descriptor.pk), f"{descriptor.code} {descriptor.title}")
            for descriptor in descriptors
        ]
        rows = []
        for number in range(1, QUESTION_ROWS + 1):
            self.fields[f"descriptor_{number}"] = forms.ChoiceField(
                label="About", choices=choices, required=False
            )
            self.fields[f"question_{number}"] = forms.CharField(
                label="Question",
                required=False,
                max_length=2000,
                widget=forms.Textarea,
            )
            rows.append(
                Fieldset(
                    Field.select(f"descriptor_{number}"),
                    Field.textarea(f"question_{number}", rows=3),
                    legend=f"Question {number}" + ("" if number == 1 else " (optional)"),
                    legend_size=Size.SMALL,
                )
            )
        self.fields["due_on"].help_text = _example(timezone.localdate())
        # The date comes after the questions on the page.
        self.order_fields([name for name in self.fields if name != "due_on"] + ["due_on"])
        self.helper = gds_helper(*rows, Field("due_on"), submit_label="Send questions")

    def clean(self):
        data = super().clean()
        questions = []
        for number in range(1, QUESTION_ROWS + 1):
            text = (data.get(f"question_{number}") or "").strip()
            descriptor_pk = data.get(f"descriptor_{number}") or ""
            if not text:
                if descriptor_pk:
                    self.add_error(
                        f"question_{number}",
                        "Enter the question, or choose ‘The application in general’",
                    )
                continue
            questions.append((self.descriptors.get(descriptor_pk), text))
        unfinished = any(self.has_error(f"question_{n}") for n in range(1, QUESTION_ROWS + 1))
        if not questions and not unfinished:
            self.add_error("question_1", "Enter at least one question")
        data["questions"] = questions
        return data

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on <= timezone.localdate():
            raise forms.ValidationError("The due date must be in the future")
        return due_on
