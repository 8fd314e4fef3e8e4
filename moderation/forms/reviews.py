"""Forms for the moderator's pages: the conflict declaration, the review
(descriptor by descriptor), its amendment, information requests and the
queue filter.

The templates under templates/moderation/review/ render these field by field
in GOV.UK markup, so the review fields can sit beside the agency's evidence.
`GovukFormMixin` gives each widget its GOV.UK class (and error class), and
`error_links` lists each problem with the id of the input to jump to."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from qualitymark.core.forms import RealDateField

from ..models.workflow import Recommendation
from ..ratings import rating_choices
from ..review_progress import ReviewProgress
from .review_locking import add_version_field

__all__ = [
    "AmendReviewForm",
    "DeclarationForm",
    "DescriptorBlock",
    "ReviewerQuestionsForm",
    "QueueFilterForm",
    "ReviewForm",
]

QUESTION_ROWS = 5
INFORMATION_DAYS = 14
COMMENT_MAX = 5000
SUMMARY_MAX = 10000

_WIDGET_CLASSES = (
    (forms.Textarea, "govuk-textarea"),
    (forms.Select, "govuk-select"),
    (forms.TextInput, "govuk-input"),
)


def _govuk_class(widget) -> str | None:
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget):
        return None
    for widget_type, css_class in _WIDGET_CLASSES:
        if isinstance(widget, widget_type):
            return css_class
    return None


class GovukFormMixin:
    """GOV.UK classes and aria-describedby on widgets, and error-summary links
    that point at an input that exists (the first radio, the day box)."""

    def _prepare_widgets(self):
        for name, field in self.fields.items():
            widget = field.widget
            css_class = _govuk_class(widget)
            if css_class:
                widget.attrs["class"] = css_class
            if field.help_text and css_class:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            css_class = _govuk_class(widget)
            if css_class:
                widget.attrs["class"] = f"{css_class} {css_class}--error"
                described = widget.attrs.get("aria-describedby", "")
                error_id = f"{self[name].auto_id}-error"
                widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()
            elif isinstance(widget, forms.MultiWidget):
                for subwidget in widget.widgets:
                    base = subwidget.attrs.get("class", "")
                    if "govuk-input--error" not in base:
                        subwidget.attrs["class"] = f"{base} govuk-input--error".strip()

    @staticmethod
    def anchor_for(bound_field) -> str:
        widget = bound_field.field.widget
        if isinstance(widget, forms.RadioSelect):
            return f"{bound_field.auto_id}_1"
        if isinstance(widget, forms.MultiWidget):
            return f"{bound_field.auto_id}_0"
        return bound_field.auto_id

    @property
    def error_links(self) -> list[tuple[str, str]]:
        """(message, "#input-id") for the error summary, in page order."""
        fields = list(self)
        first = f"#{self.anchor_for(fields[0])}" if fields else "#main-content"
        links = [(str(error), first) for error in self.non_field_errors()]
        for bound_field in fields:
            for error in bound_field.errors:
                links.append((str(error), f"#{self.anchor_for(bound_field)}"))
        return links


# --- The conflict declaration ---------------------------------------------------------------


class DeclarationForm(GovukFormMixin, forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with this agency or its partners?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="For example, you work or have worked for them, you have advised or trained "
        "them, or a close family member works there.",
        error_messages={
            "required": "Select yes if you have a conflict of interest with this agency "
            "or its partners"
        },
    )
    details = forms.CharField(
        label="Describe the conflict",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The Quality Mark team reads this to reassign the application.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_widgets()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_conflict") and not (cleaned.get("details") or "").strip():
            self.add_error("details", "Describe the conflict of interest")
        return cleaned


# --- The review -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DescriptorBlock:
    """One descriptor's part of the review form, as bound fields."""

    descriptor: object
    rating: forms.BoundField
    strengths: forms.BoundField
    areas_to_develop: forms.BoundField


def _prefix(descriptor) -> str:
    return f"q{descriptor.number}"


def initial_from(review, descriptors) -> dict:
    """The form's starting values from a saved review (or nothing)."""
    if review is None:
        return {}
    by_descriptor = {rating.descriptor_id: rating for rating in review.ratings.all()}
    initial = {"recommendation": review.recommendation, "summary": review.summary}
    for descriptor in descriptors:
        rating = by_descriptor.get(descriptor.pk)
        if rating is None:
            continue
        prefix = _prefix(descriptor)
        initial[f"{prefix}_rating"] = rating.rating
        initial[f"{prefix}_strengths"] = rating.strengths
        initial[f"{prefix}_areas"] = rating.areas_to_develop
    return initial


class ReviewForm(GovukFormMixin, forms.Form):
    """A rating, strengths and areas to develop for each descriptor, then the
    overall recommendation and a summary. Saving a draft accepts gaps;
    `check_complete` (on submit) asks for every rating, the recommendation
    and the summary, beside each field."""

    recommendation = forms.ChoiceField(
        label="Your overall recommendation",
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="The level you think the agency should be awarded. The panel decides.",
    )
    summary = forms.CharField(
        label="Summary for the panel",
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The main reasons for your recommendation, in a few paragraphs. "
        "The panel may use it in its feedback to the agency.",
    )

    def __init__(self, *args, descriptors, review=None, **kwargs):
        self.descriptors = list(descriptors)
        kwargs.setdefault("initial", initial_from(review, self.descriptors))
        super().__init__(*args, **kwargs)
        scale = rating_choices()
        order = []
        for descriptor in self.descriptors:
            prefix = _prefix(descriptor)
            self.fields[f"{prefix}_rating"] = forms.TypedChoiceField(
                label=f"Your rating for {descriptor.code}",
                choices=scale,
                coerce=str,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{prefix}_strengths"] = forms.CharField(
                label=f"Strengths in {descriptor.code}",
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.fields[f"{prefix}_areas"] = forms.CharField(
                label=f"Areas to develop in {descriptor.code}",
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            order += [f"{prefix}_rating", f"{prefix}_strengths", f"{prefix}_areas"]
        self.order_fields([*order, "recommendation", "summary"])
        add_version_field(self, review)
        self._prepare_widgets()

    @property
    def blocks(self) -> list[DescriptorBlock]:
        return [
            DescriptorBlock(
                descriptor,
                self[f"{_prefix(descriptor)}_rating"],
                self[f"{_prefix(descriptor)}_strengths"],
                self[f"{_prefix(descriptor)}_areas"],
            )
            for descriptor in self.descriptors
        ]

    @property
    def blocks_by_descriptor(self) -> dict[int, DescriptorBlock]:
        return {block.descriptor.pk: block for block in self.blocks}

    def check_complete(self) -> bool:
        """Add an error beside everything a submitted review needs."""
        for descriptor in self.descriptors:
            name = f"{_prefix(descriptor)}_rating"
            if name not in self.errors and self.cleaned_data.get(name) is None:
                self.add_error(name, f"Select a rating for {descriptor.code}")
        if "recommendation" not in self.errors and not self.cleaned_data.get("recommendation"):
            self.add_error("recommendation", "Select your overall recommendation")
        if "summary" not in self.errors and not (self.cleaned_data.get("summary") or "").strip():
            self.add_error("summary", "Write a summary for the panel")
        return not self.errors

    def ratings(self) -> dict:
        """{descriptor id: {"rating", "strengths", "areas_to_develop"}} for the services."""
        data = self.cleaned_data
        return {
            descriptor.pk: {
                "rating": data.get(f"{_prefix(descriptor)}_rating"),
                "strengths": data.get(f"{_prefix(descriptor)}_strengths") or "",
                "areas_to_develop": data.get(f"{_prefix(descriptor)}_areas") or "",
            }
            for descriptor in self.descriptors
        }

    def review_values(self) -> dict:
        return {
            "ratings": self.ratings(),
            "recommendation": self.cleaned_data.get("recommendation") or "",
            "summary": self.cleaned_data.get("summary") or "",
        }


class AmendReviewForm(ReviewForm):
    reason = forms.CharField(
        label="What did you change, and why?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This is kept with your review's history and shown to the panel.",
        error_messages={"required": "Say what you changed and why"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([*[name for name in self.fields if name != "reason"], "reason"])

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError("Say what you changed and why")
        return reason


# --- Information requests -------------------------------------------------------------------


class DueDateField(RealDateField):
    not_a_date = "Enter a real date, for example 27 3 2026"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["required"] = "Enter the date the agency should answer by"
        self.error_messages["incomplete"] = "Enter the date the agency should answer by"
        for subwidget in self.widget.widgets:
            subwidget.attrs["inputmode"] = "numeric"


class ReviewerQuestionsForm(GovukFormMixin, forms.Form):
    due_on = DueDateField(
        label="Date the agency should answer by",
        help_text="For example, 27 3 2026. The review clock stops until the agency answers.",
        require_all_fields=False,
    )

    def __init__(self, *args, descriptors, today: date | None = None, **kwargs):
        self.today = today or timezone.localdate()
        kwargs.setdefault("initial", {"due_on": self.today + timedelta(days=INFORMATION_DAYS)})
        super().__init__(*args, **kwargs)
        self.descriptors = list(descriptors)
        descriptor_choices = [("", "Not about one descriptor")] + [
            (str(descriptor.pk), f"{descriptor.code}: {descriptor.title}")
            for descriptor in self.descriptors
        ]
        order = []
        for number in range(1, QUESTION_ROWS + 1):
            self.fields[f"question_{number}_descriptor"] = forms.ChoiceField(
                label="Descriptor (optional)",
                choices=descriptor_choices,
                required=False,
            )
            self.fields[f"question_{number}_text"] = forms.CharField(
                label="Question",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            order += [f"question_{number}_descriptor", f"question_{number}_text"]
        self.order_fields([*order, "due_on"])
        self._prepare_widgets()

    @property
    def rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (number, self[f"question_{number}_descriptor"], self[f"question_{number}_text"])
            for number in range(1, QUESTION_ROWS + 1)
        ]

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on is not None and due_on <= self.today:
            raise ValidationError("The date the agency should answer by must be in the future")
        return due_on

    def clean(self):
        cleaned = super().clean()
        by_pk = {str(descriptor.pk): descriptor for descriptor in self.descriptors}
        questions = []
        for number in range(1, QUESTION_ROWS + 1):
            text = (cleaned.get(f"question_{number}_text") or "").strip()
            descriptor = by_pk.get(cleaned.get(f"question_{number}_descriptor") or "")
            if text:
                questions.append((descriptor, text))
            elif descriptor is not None:
                self.add_error(
                    f"question_{number}_text",
                    f"Enter question {number}, or choose ‘Not about one descriptor’",
                )
        if not questions and not self.has_error("question_1_text"):
            self.add_error("question_1_text", "Enter at least one question")
        self.questions = questions
        return cleaned


# --- The queue ------------------------------------------------------------------------------


class QueueFilterForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "All applications"),
            *ReviewProgress.choices[:3],
            ("overdue", "Overdue"),
            ("paused", "Paused: waiting for the agency"),
            ReviewProgress.choices[3],
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_widgets()
