"""Forms for the panel (meetings, decisions and corrections) and for the
agency's answers to an information request."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils.html import format_html

from applications.models.submissions import Application
from qualitymark.core.forms import RealDateField, RecordsChoiceField

from ..models.profiles import ModeratorProfile
from ..models.workflow import PanelMeeting, Recommendation

__all__ = [
    "DecisionForm",
    "InformationResponseForm",
    "MeetingDetailsForm",
    "MeetingForm",
]

FEEDBACK_MAX_CHARACTERS = 5000
FEEDBACK_INTRODUCTION = (
    '<h2 class="govuk-heading-l">Feedback to the agency</h2>'
    '<p class="govuk-body">Prefilled from the moderators\' comments. Edit it into '
    "the panel's own words: the agency reads it as written.</p>"
)
FEEDBACK_DRAFT_RULE = (
    '<p class="govuk-body" id="draft-rule">The decision cannot be sent while a section is '
    "empty or still holds the moderators' text unedited.</p>"
)


def _helper(*fields, submit_label: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", submit_label))
    return helper


# --- Panel meetings (Coram staff) ------------------------------------------------------------


class _ModeratorChoiceField(RecordsChoiceField):
    def label_from_instance(self, profile):
        label = profile.user.get_full_name() or profile.user.email
        return f"{label} (panel chair)" if profile.is_chair else label


class _ChairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, profile):
        return profile.user.get_full_name() or profile.user.email


class _ApplicationChoiceField(RecordsChoiceField):
    def label_from_instance(self, application):
        level = application.get_level_sought_display()
        return f"{application.reference} – {application.agency.name} ({level})"


class MeetingForm(forms.Form):
    held_on = RealDateField(
        label="Date of the meeting",
        help_text="For example, 27 3 2026.",
        require_all_fields=False,
    )
    title = forms.CharField(
        label="Title (optional)",
        max_length=200,
        required=False,
        help_text="For example, ‘Spring panel’. Leave empty to name it by its date.",
    )
    chair = _ChairChoiceField(
        label="Panel chair",
        queryset=ModeratorProfile.objects.none(),
        empty_label="Choose a chair",
        error_messages={"required": "Choose the panel chair"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages["required"] = "Enter the date of the meeting"
        self.fields["chair"].queryset = (
            ModeratorProfile.objects.filter(is_chair=True, is_active=True)
            .select_related("user")
            .order_by("user__full_name")
        )
        self.helper = _helper(
            Field("held_on"),
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.select("chair"),
            submit_label="Arrange the meeting",
        )


class MeetingDetailsForm(forms.Form):
    """Who attended and what is on the agenda. Applications already on the
    agenda stay listed once decided, so saving never drops them."""

    members_present = _ModeratorChoiceField(
        label="Members present",
        queryset=ModeratorProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select everyone who attended, including the chair. Members with a conflict "
        "on an application do not count towards the quorum for it.",
    )
    agenda = _ApplicationChoiceField(
        label="Applications on the agenda",
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only applications at panel can be added.",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, meeting: PanelMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        present = meeting.members_present.values("pk")
        self.fields["members_present"].queryset = (
            (
                ModeratorProfile.objects.filter(is_active=True)
                | ModeratorProfile.objects.filter(pk__in=present)
            )
            .distinct()
            .select_related("user")
            .order_by("user__full_name")
        )
        on_agenda = meeting.agenda.values("pk")
        at_panel = Application.objects.that("panel_may_decide")
        self.fields["agenda"].queryset = (
            (at_panel | Application.objects.filter(pk__in=on_agenda))
            .distinct()
            .select_related("agency")
            .order_by("reference")
        )
        self.helper = _helper(
            Field.checkboxes("members_present", legend_size=Size.MEDIUM, small=True),
            Field.checkboxes("agenda", legend_size=Size.MEDIUM, small=True),
            Field.textarea("notes", rows=5),
            submit_label="Save meeting details",
        )


# --- Decisions (panel chairs) ----------------------------------------------------------------


class _MeetingChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, labels: dict, **kwargs):
        self.labels = labels
        super().__init__(*args, **kwargs)

    def label_from_instance(self, meeting):
        return self.labels.get(meeting.pk, str(meeting))


class DecisionForm(forms.Form):
    """The chair's record of the panel's decision, or of a correction to it.

    The rules (quorum, a reason for departing from the suggested outcome, a
    reason for a correction) are the services'; their errors are shown here."""

    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the panel's decision"},
    )
    departure_reason = forms.CharField(
        label="Why the panel departed from the suggested outcome",
        widget=forms.Textarea,
        required=False,
        max_length=FEEDBACK_MAX_CHARACTERS,
        help_text="Needed only when the outcome is not the suggested one.",
    )
    rationale = forms.CharField(
        label="The panel's rationale",
        widget=forms.Textarea,
        max_length=FEEDBACK_MAX_CHARACTERS,
        help_text="The agency reads this with the decision.",
        error_messages={"required": "Explain the panel's decision"},
    )

    def __init__(
        self,
        *args,
        descriptors,
        suggested_outcome: str,
        meetings=None,
        meeting_labels: dict | None = None,
        correction: bool = False,
        draft: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.descriptors = list(descriptors)
        self.correction = correction
        if draft:
            # A draft is saved as it stands; what sending needs is the service's check.
            self.fields["outcome"].required = False
            self.fields["rationale"].required = False
        self.fields["outcome"].choices = [
            (value, f"{label} (suggested)" if value == suggested_outcome else label)
            for value, label in Recommendation.choices
        ]
        layout = [self._add_first_field(meetings, meeting_labels, draft=draft)]
        layout += [
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("departure_reason", rows=4),
            Field.textarea("rationale", rows=6, label_size=Size.MEDIUM),
            HTML(FEEDBACK_INTRODUCTION + (FEEDBACK_DRAFT_RULE if draft else "")),
        ]
        layout += [self._add_feedback_fields(descriptor) for descriptor in self.descriptors]
        self.helper = self._helper(layout, draft=draft)

    def _add_first_field(self, meetings, meeting_labels, *, draft: bool):
        """The reason for a correction, or the meeting that decides."""
        if self.correction:
            self.fields["correction_reason"] = forms.CharField(
                label="What is being corrected, and why",
                widget=forms.Textarea,
                required=False,
                max_length=FEEDBACK_MAX_CHARACTERS,
                help_text="Kept on record with the correction. The agency sees it too.",
            )
            return Field.textarea("correction_reason", rows=4, label_size=Size.MEDIUM)
        self.fields["meeting"] = _MeetingChoiceField(
            label="Panel meeting",
            queryset=PanelMeeting.objects.filter(pk__in=[meeting.pk for meeting in meetings or []]),
            labels=meeting_labels or {},
            widget=forms.RadioSelect,
            empty_label=None,
            required=not draft,
            error_messages={"required": "Choose the meeting that made the decision"},
        )
        return Field.radios("meeting", legend_size=Size.MEDIUM)

    def _helper(self, layout: list, *, draft: bool) -> FormHelper:
        if not draft:
            label = "Record the correction" if self.correction else "Record the decision"
            return _helper(*layout, submit_label=label)
        helper = FormHelper()
        helper.layout = Layout(
            *layout,
            Button.primary("send", "Record the decision and send it to the agency"),
            Button.secondary("save_draft", "Save the draft"),
        )
        return helper

    def _add_feedback_fields(self, descriptor) -> Fieldset:
        """The strengths and areas to develop for one descriptor, and their fieldset."""
        strengths, areas = f"strengths_{descriptor.pk}", f"areas_{descriptor.pk}"
        self.fields[strengths] = forms.CharField(
            label="Strengths",
            widget=forms.Textarea,
            required=False,
            max_length=FEEDBACK_MAX_CHARACTERS,
        )
        self.fields[areas] = forms.CharField(
            label="Areas to develop",
            widget=forms.Textarea,
            required=False,
            max_length=FEEDBACK_MAX_CHARACTERS,
        )
        return Fieldset(
            Field.textarea(strengths, rows=5),
            Field.textarea(areas, rows=5),
            legend=format_html("{}: {}", descriptor.code, descriptor.title),
            legend_size=Size.MEDIUM,
        )

    def feedback(self) -> dict:
        return {
            descriptor.pk: {
                "strengths": self.cleaned_data.get(f"strengths_{descriptor.pk}", ""),
                "areas_to_develop": self.cleaned_data.get(f"areas_{descriptor.pk}", ""),
            }
            for descriptor in self.descriptors
        }


# --- The agency's answers to an information request -------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "govuk-file-upload"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [clean_one(item, initial) for item in items if item]


class InformationResponseForm(forms.Form):
    """A text box per question and optional documents, sent in one POST so that
    adding a document never loses what was typed. Whether every question is
    answered is the service's check, made when the answers are sent."""

    files = MultipleFileField(
        label="Add supporting documents (optional)",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV, smaller "
        "than 20 MB each. You can select several. Remove names and other details that identify "
        "people first.",
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        layout = []
        for number, question in enumerate(self.questions, start=1):
            name = f"answer_{question.pk}"
            code = f"{question.descriptor.code}: " if question.descriptor_id else ""
            self.fields[name] = forms.CharField(
                label=f"{number}. {code}{question.question}",
                widget=forms.Textarea,
                required=False,
                max_length=10000,
            )
            layout.append(Field.textarea(name, rows=6, label_size=Size.SMALL))
        # Files come last in the form's fields, so the error summary lists them in page order.
        self.fields["files"] = self.fields.pop("files")
        # The page supplies the <form> tag, for its enctype.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *layout,
            HTML('{% include "moderation/agency/includes/response_files.html" %}'),
            Field("files"),
            Button.secondary("upload", "Upload files"),
            Button.primary("send", "Send your answers"),
            Button.secondary("save_draft", "Save and come back later"),
        )

    def answers(self) -> dict[int, str]:
        return {
            question.pk: self.cleaned_data.get(f"answer_{question.pk}", "")
            for question in self.questions
        }
