"""The form of each kind of section: about the agency, EP data, a descriptor, changes, fee."""

import re

from crispy_forms_gds.layout import HTML, Button, Field
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from .sections import SectionForm, narrative_field


class AboutAgencySection(SectionForm):
    required_fields = (
        "contact_name",
        "contact_email",
        "head_of_service_name",
        "head_of_service_email",
        "service_description",
    )
    required_messages = {
        "contact_name": "Enter the name of the main contact for this application",
        "contact_email": "Enter the main contact's e-mail address",
        "head_of_service_name": "Enter the name of your head of service",
        "head_of_service_email": "Enter your head of service's e-mail address",
        "service_description": "Describe your early permanence service",
        "partnership_arrangements": "Describe how the partnership works together",
    }

    contact_name = forms.CharField(label="Main contact's full name", required=False, max_length=150)
    contact_role = forms.CharField(label="Main contact's job title", required=False, max_length=150)
    contact_email = forms.EmailField(
        label="Main contact's e-mail address",
        required=False,
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.org"
        },
    )
    contact_phone = forms.CharField(
        label="Main contact's phone number",
        required=False,
        max_length=30,
        help_text="A work number, like 0117 496 0000.",
    )
    head_of_service_name = forms.CharField(
        label="Head of service's full name", required=False, max_length=150
    )
    head_of_service_email = forms.EmailField(
        label="Head of service's e-mail address",
        required=False,
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.org"
        },
    )
    service_description = narrative_field(
        "Your early permanence service",
        word_limit=500,
        help_text="How your agency offers Fostering for Adoption and concurrent planning, "
        "who is in the team and how families find you. Up to 500 words.",
        rows=8,
    )

    def __init__(self, *args, application=None, **kwargs):
        is_partnership = application is not None and application.agency.is_partnership
        if is_partnership:
            self.base_fields = {
                **self.base_fields,
                "partnership_arrangements": narrative_field(
                    "How the partnership works together",
                    word_limit=500,
                    help_text="How the member agencies share early permanence work: "
                    "recruitment, panels, training and tracking. Up to 500 words.",
                    rows=8,
                ),
            }
            self.required_fields = (*self.required_fields, "partnership_arrangements")
        super().__init__(*args, application=application, **kwargs)

    def clean_contact_phone(self):
        phone = self.cleaned_data.get("contact_phone", "")
        if phone and len(re.sub(r"\D", "", phone)) < 10:
            raise ValidationError(
                "Enter a phone number with at least 10 digits, like 0117 496 0000"
            )
        return phone


def whole_number_field(label: str, help_text: str, *, maximum: int = 100_000):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_value=maximum,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{label} must be a whole number, like 12",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be {maximum:,} or fewer",
        },
    )


class EarlyPermanenceDataSection(SectionForm):
    required_fields = (
        "ffa_placements",
        "concurrent_placements",
        "children_placed_for_adoption",
        "placed_before_first_birthday",
        "ep_households_approved",
    )
    required_messages = {
        "ffa_placements": "Enter the number of Fostering for Adoption placements made, "
        "or 0 if there were none",
        "concurrent_placements": "Enter the number of concurrent planning placements made, "
        "or 0 if there were none",
        "children_placed_for_adoption": "Enter the number of children placed for adoption, "
        "or 0 if there were none",
        "placed_before_first_birthday": "Enter the number of children placed before their "
        "first birthday, or 0 if there were none",
        "ep_households_approved": "Enter the number of early permanence carer households "
        "approved, or 0 if there were none",
    }

    ffa_placements = whole_number_field(
        "Fostering for Adoption placements made",
        "Children placed with carers approved as both foster carers and adopters under "
        "Fostering for Adoption, in the last 12 months.",
    )
    concurrent_placements = whole_number_field(
        "Concurrent planning placements made",
        "Children placed with concurrent planning carers in the last 12 months.",
    )
    children_placed_for_adoption = whole_number_field(
        "Children placed for adoption",
        "All children placed for adoption in the last 12 months, by any route.",
    )
    placed_before_first_birthday = whole_number_field(
        "Children placed before their first birthday",
        "Of the children placed for adoption, how many were under 12 months old when placed.",
    )
    ep_households_approved = whole_number_field(
        "Early permanence carer households approved",
        "Households approved as early permanence carers in the last 12 months.",
    )
    average_days_to_ep_placement = whole_number_field(
        "Average days from entering care to the early permanence placement",
        "Leave this blank if you made no early permanence placements. Count a baby placed "
        "straight from hospital as 0 days.",
        maximum=1_825,
    )

    def content_layout(self):
        return [
            Field.text(name, field_width=5)
            for name in self.fields
            if name not in {"version", "completed"}
        ]

    def check_complete(self, cleaned):
        super().check_complete(cleaned)
        placed = cleaned.get("children_placed_for_adoption")
        infants = cleaned.get("placed_before_first_birthday")
        if placed is not None and infants is not None and infants > placed:
            self.add_error(
                "placed_before_first_birthday",
                "Children placed before their first birthday cannot be more than "
                "the children placed for adoption",
            )
        ep_placements = (cleaned.get("ffa_placements") or 0) + (
            cleaned.get("concurrent_placements") or 0
        )
        if (
            ep_placements
            and cleaned.get("average_days_to_ep_placement") is None
            and "average_days_to_ep_placement" not in self.errors
        ):
            self.add_error(
                "average_days_to_ep_placement",
                "Enter the average days from entering care to the early permanence placement",
            )


class DescriptorSection(SectionForm):
    """A descriptor's narrative, with supporting documents uploaded through
    the same form so that typing is never lost when a file is added."""

    required_fields = ("narrative",)

    evidence = forms.FileField(
        label="Add a supporting document",
        required=False,
        # An empty file is refused by the upload checks, with the answer saved first.
        allow_empty_file=True,
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV, "
        "20 MB or smaller. Remove names and other details that identify people first.",
    )

    def content_layout(self):
        return [Field("narrative")]

    def after_content_layout(self):
        return [
            HTML('{% include "applications/apply/evidence_block.html" %}'),
            Field("evidence"),
            Button.secondary("upload", "Upload file"),
        ]

    def __init__(self, *args, application=None, descriptor=None, **kwargs):
        self.descriptor = descriptor
        self.base_fields = {
            **self.base_fields,
            "narrative": narrative_field(
                "Your evidence",
                word_limit=settings.NARRATIVE_WORD_LIMIT,
                help_text=(
                    f"Describe your practice against this descriptor. You can enter up to "
                    f"{settings.NARRATIVE_WORD_LIMIT:,} words. Do not name or identify children, "
                    "adopters, birth relatives or anyone else who uses your service."
                ),
                rows=18,
            ),
        }
        super().__init__(*args, application=application, **kwargs)
        if descriptor is not None:
            self.required_messages = {"narrative": f"Enter your evidence for {descriptor.code}"}


class ChangesSection(SectionForm):
    required_fields = ("changes", "development_progress")
    required_messages = {
        "changes": "Describe what has changed since your last award",
        "development_progress": "Describe your progress on the areas to develop",
    }

    changes = narrative_field(
        "What has changed since your last award",
        word_limit=800,
        help_text="Changes to your service, team, partners, numbers or practice since the "
        "panel last looked at your agency. Up to 800 words.",
    )
    development_progress = narrative_field(
        "Progress on the areas the panel asked you to develop",
        word_limit=800,
        help_text="Take each area to develop from your last feedback in turn. Up to 800 words.",
    )


class FeeSection(SectionForm):
    required_fields = ("invoice_contact_name", "invoice_contact_email", "invoice_address")
    required_messages = {
        "invoice_contact_name": "Enter the name of the person who deals with the invoice",
        "invoice_contact_email": "Enter the invoice contact's e-mail address",
        "invoice_address": "Enter the address the invoice goes to",
    }

    purchase_order_number = forms.CharField(
        label="Purchase order number (optional)",
        required=False,
        max_length=50,
        help_text="If your finance team needs one on the invoice.",
    )
    invoice_contact_name = forms.CharField(
        label="Invoice contact's full name", required=False, max_length=150
    )
    invoice_contact_email = forms.EmailField(
        label="Invoice contact's e-mail address",
        required=False,
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.org"
        },
    )
    invoice_address = forms.CharField(
        label="Invoice address",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def content_layout(self):
        return [
            Field.text("purchase_order_number", field_width=10),
            Field("invoice_contact_name"),
            Field("invoice_contact_email"),
            Field("invoice_address"),
        ]
