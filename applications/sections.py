"""The sections of an application: what each asks, and its form.

Each section saves in two modes. "Save and come back later" (or answering
"No, I'll come back to it later") keeps whatever is there, checking only that
each value is the right kind of thing. Marking a section complete also checks
that everything required is there and within its word limit.
"""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

ABOUT = "about"
EP_DATA = "ep-data"
CHANGES = "changes"
FEE = "fee"
DESCRIPTOR_PREFIX = "q"

COMPLETED_CHOICES = [
    ("yes", "Yes, I've completed this section"),
    ("no", "No, I'll come back to it later"),
]

WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    return len(WORD.findall(text or ""))


def descriptor_key(number: int) -> str:
    return f"{DESCRIPTOR_PREFIX}{number}"


def descriptor_number(key: str) -> int | None:
    if key.startswith(DESCRIPTOR_PREFIX) and key[1:].isdigit():
        return int(key[1:])
    return None


class WordLimitedTextarea(forms.Textarea):
    """A textarea that tells the live word counter its limit."""

    def __init__(self, word_limit: int, rows: int = 12):
        super().__init__(attrs={"rows": rows, "data-word-limit": word_limit})
        self.word_limit = word_limit


def narrative_field(label: str, *, word_limit: int, help_text: str = "", rows: int = 12):
    field = forms.CharField(
        label=label,
        required=False,
        help_text=help_text or f"You can enter up to {word_limit:,} words.",
        widget=WordLimitedTextarea(word_limit, rows=rows),
        strip=True,
    )
    field.word_limit = word_limit
    return field


class SectionForm(forms.Form):
    """Base for every section. Subclasses list `required_fields`; they are
    only required when the section is being marked complete."""

    required_fields: tuple[str, ...] = ()
    required_messages: dict[str, str] = {}

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            key: "We could not tell which version of this section you were changing. "
            "Check your answers and save again"
            for key in ("required", "invalid", "min_value")
        },
    )
    completed = forms.ChoiceField(
        label="Have you completed this section?",
        choices=COMPLETED_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, application=None, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()

    # -- saving mode ---------------------------------------------------------------
    @property
    def saving_for_later(self) -> bool:
        """Saving without finishing: "Save and come back later", or uploading a file."""
        return bool(self.data) and ("later" in self.data or "upload" in self.data)

    def wants_complete(self) -> bool:
        return not self.saving_for_later and self.data.get("completed") == "yes"

    def clean(self):
        cleaned = super().clean()
        if not self.saving_for_later and not cleaned.get("completed"):
            self.add_error("completed", "Select whether you have completed this section")
        if self.wants_complete():
            self.check_complete(cleaned)
        return cleaned

    def check_complete(self, cleaned):
        """Checks that only apply when the section is marked complete. A field
        that already has an error (say, not a whole number) gets no second one."""
        for name in self.required_fields:
            if name in self.errors:
                continue
            if name in self.fields and cleaned.get(name) in (None, "", []):
                message = self.required_messages.get(name) or (
                    f"Enter {self.fields[name].label[0].lower()}{self.fields[name].label[1:]}"
                )
                self.add_error(name, message)
        for name, field in self.fields.items():
            limit = getattr(field, "word_limit", None)
            if limit and name not in self.errors and count_words(cleaned.get(name, "")) > limit:
                words = count_words(cleaned.get(name, ""))
                self.add_error(
                    name,
                    f"{field.label} must be {limit:,} words or fewer; it is {words:,} words",
                )

    MACHINERY = frozenset({"version", "completed", "evidence"})

    def answer_data(self) -> dict:
        """What gets stored: every answer field, none of the form's machinery."""
        return {
            name: value for name, value in self.cleaned_data.items() if name not in self.MACHINERY
        }

    def has_content(self) -> bool:
        return any(value not in (None, "", []) for value in self.answer_data().values())

    # -- layout --------------------------------------------------------------------
    def after_content_layout(self) -> list:
        return []

    def content_layout(self) -> list:
        return [Field(name) for name in self.fields if name not in self.MACHINERY]

    def build_helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            "version",
            *self.content_layout(),
            *self.after_content_layout(),
            Field.radios("completed", legend_size=Size.MEDIUM, inline=False),
            Button.primary("save", "Save and continue"),
            Button.secondary("later", "Save and come back later"),
        )
        return helper
