"""Forms for inviting people, changing their role at an agency and accepting an invitation."""

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from qualitymark.core.forms import gds_helper
from qualitymark.users.models import User

from ..models.agencies import Agency, Invitation, Membership

ROLE_REQUIRED = {"required": "Choose a role"}


class _InvitationFormBase(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter the e-mail address of the person you want to invite",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = (
            "We will send the invitation link to this address. It works once and expires "
            f"after {settings.INVITATION_VALID_DAYS} days."
        )

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()


class LeadInvitationForm(_InvitationFormBase):
    """An agency lead invites a colleague to their own agency."""

    role = forms.ChoiceField(
        label="What should they be able to do?",
        widget=forms.RadioSelect,
        choices=[
            (
                Invitation.Role.AGENCY_MEMBER,
                "Agency member – work on the application and upload evidence",
            ),
            (
                Invitation.Role.AGENCY_LEAD,
                "Agency lead – also invite colleagues, sign the declaration and submit",
            ),
        ],
        initial=Invitation.Role.AGENCY_MEMBER,
        error_messages=ROLE_REQUIRED,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            submit_label="Send invitation",
        )


class StaffInvitationForm(_InvitationFormBase):
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        choices=[
            (Invitation.Role.AGENCY_LEAD, "Agency lead"),
            (Invitation.Role.AGENCY_MEMBER, "Agency member"),
            (Invitation.Role.MODERATOR, "Moderator"),
            (Invitation.Role.PANEL_CHAIR, "Panel chair (a moderator who can run the panel)"),
            (Invitation.Role.CORAM_STAFF, "Coram staff"),
        ],
        error_messages=ROLE_REQUIRED,
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="Choose an agency",
        help_text="Only for agency leads and members. Leave this empty for other roles.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("agency"),
            submit_label="Send invitation",
        )

    def clean(self):
        cleaned_data = super().clean()
        role = cleaned_data.get("role")
        if role in (Invitation.Role.AGENCY_LEAD, Invitation.Role.AGENCY_MEMBER):
            if not cleaned_data.get("agency") and not self.has_error("agency"):
                self.add_error("agency", "Choose the agency to invite them to")
        elif role:
            cleaned_data["agency"] = None
        return cleaned_data


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "All invitations")] + list(Invitation.Status.choices), required=False
    )
    query = forms.CharField(label="Search by e-mail address", required=False, max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("status"),
            Field.text("query", field_width=Fluid.TWO_THIRDS),
            submit_label="Filter invitations",
            method="get",
        )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        choices=[
            (Membership.Role.MEMBER, "Agency member – works on the application"),
            (
                Membership.Role.LEAD,
                "Agency lead – also invites colleagues, signs the declaration and submits",
            ),
        ],
        error_messages=ROLE_REQUIRED,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("role", legend_size=Size.SMALL), submit_label="Change role"
        )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="Colleagues and the Quality Mark team will see this name.",
        error_messages={"required": "Enter your full name"},
    )
    password1 = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Use at least 12 characters. A few unrelated words together work well.",
        error_messages={"required": "Create a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter your password again"},
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = gds_helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS, autocomplete="name"),
            Field.text("password1", field_width=Fluid.ONE_HALF),
            Field.text("password2", field_width=Fluid.ONE_HALF),
            submit_label="Create account and accept",
        )

    def clean_full_name(self):
        return (self.cleaned_data.get("full_name") or "").strip()

    def clean(self):
        cleaned_data = super().clean()
        first, second = cleaned_data.get("password1"), cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The passwords do not match")
        elif first:
            try:
                validate_password(
                    first, user=User(email=self.email, full_name=cleaned_data.get("full_name", ""))
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data
