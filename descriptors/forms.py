from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from qualitymark.core.forms import RealDateField

from .framework_data import FrameworkFileError
from .io import decode_file, format_for_filename, parse_framework_file
from .models import Descriptor, Marker, marker_code_problem

MAX_UPLOAD_BYTES = 1024 * 1024


def _helper(*fields, submit_label: str) -> FormHelper:
    helper = FormHelper()
    # The template writes the <form> element and its CSRF token.
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("submit", submit_label))
    return helper


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Framework file",
        help_text="A YAML (.yaml or .yml) or JSON (.json) file in the framework format. "
        "It is imported as a draft; nothing is published until you choose to.",
        error_messages={"required": "Choose a framework file to upload"},
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework_data = None
        self.helper = _helper(Field("file"), submit_label="Upload and check")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The file must be smaller than {filesizeformat(MAX_UPLOAD_BYTES)}"
            )
        try:
            file_format = format_for_filename(upload.name)
            self.framework_data = parse_framework_file(decode_file(upload.read()), file_format)
        except FrameworkFileError as error:
            raise ValidationError(error.messages) from error
        return upload


class FrameworkDetailsForm(forms.Form):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Enter the framework's title"}
    )
    effective_from = RealDateField(
        label="Effective from",
        help_text="Applications started on or after this date use this version. "
        "For example, 1 4 2026.",
        require_all_fields=False,
    )
    is_working_wording = forms.BooleanField(
        label="This is the portal's working wording, not the official text", required=False
    )
    notes = forms.CharField(widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title"),
            Field("effective_from"),
            Field.checkbox("is_working_wording"),
            Field.textarea("notes", rows=4),
            submit_label="Save details",
        )


class DescriptorForm(forms.Form):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Enter the descriptor's title"}
    )
    question = forms.CharField(
        widget=forms.Textarea, error_messages={"required": "Enter the descriptor's question"}
    )
    guidance = forms.CharField(widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("question", rows=3),
            Field.textarea("guidance", rows=6),
            submit_label="Save descriptor",
        )


class MarkerForm(forms.Form):
    code = forms.CharField(
        max_length=10,
        help_text="The descriptor number, a dot and a number, such as 3.2.",
        error_messages={"required": "Enter the marker's code"},
    )
    text = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Enter the marker's text"},
    )

    def __init__(self, *args, descriptor: Descriptor, marker: Marker | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.descriptor = descriptor
        self.marker = marker
        self.helper = _helper(
            Field.text("code", field_width=5),
            Field.textarea("text", rows=4),
            submit_label="Save marker",
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        problem = marker_code_problem(code, self.descriptor.number)
        if problem:
            raise ValidationError(f"The code {problem}")
        others = self.descriptor.markers.filter(code=code)
        if self.marker is not None:
            others = others.exclude(pk=self.marker.pk)
        if others.exists():
            raise ValidationError(f"{self.descriptor.code} already has a marker {code}")
        return code
