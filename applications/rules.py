"""Who may do what with agencies, memberships and invitations.

Predicates take the person and, where it matters, the agency or invitation.
"""

from dataclasses import dataclass

import rules

from qualitymark.users.roles import roles_of
from qualitymark.users.rules import is_coram_staff

from .models.agencies import AGENCY_INVITATION_ROLES


@rules.predicate
def is_member_of_agency(user, agency):
    return agency is not None and agency.is_active and agency.pk in roles_of(user).agency_ids


@rules.predicate
def is_lead_of_agency(user, agency):
    return agency is not None and agency.is_active and agency.pk in roles_of(user).lead_agency_ids


@rules.predicate
def is_lead_of_invitation_agency(user, invitation):
    return invitation is not None and is_lead_of_agency(user, invitation.agency)


can_manage_agencies = is_coram_staff
can_edit_agency_profile = is_lead_of_agency | is_coram_staff
can_manage_agency_members = is_lead_of_agency | is_coram_staff
can_invite_to_agency = is_lead_of_agency | is_coram_staff
can_manage_invitation = is_lead_of_invitation_agency | is_coram_staff


def may_invite(user, *, role, agency=None) -> bool:
    """Coram staff may invite anyone to any role; an agency lead may invite
    members and leads to their own agency and nothing else."""
    if role in AGENCY_INVITATION_ROLES:
        return agency is not None and rules.has_perm("applications.invite_to_agency", user, agency)
    return agency is None and rules.has_perm("users.invite_to_scheme_roles", user)


rules.add_perm("applications.use_lead_pages", is_lead_of_agency)
rules.add_perm("applications.manage_agencies", can_manage_agencies)
rules.add_perm("applications.change_agency_profile", can_edit_agency_profile)
rules.add_perm("applications.manage_agency_members", can_manage_agency_members)
rules.add_perm("applications.invite_to_agency", can_invite_to_agency)
rules.add_perm("applications.manage_invitation", can_manage_invitation)


# --- Applications ---------------------------------------------------------------------


@rules.predicate
def is_member_of_application_agency(user, application):
    return application is not None and bool(is_member_of_agency(user, application.agency))


@rules.predicate
def is_lead_of_application_agency(user, application):
    return application is not None and bool(is_lead_of_agency(user, application.agency))


@rules.predicate
def is_draft(user, application):
    return application is not None and not application.is_locked


@rules.predicate
def is_open(user, application):
    return application is not None and application.is_open


can_start_application = is_lead_of_agency
can_edit_application = is_member_of_application_agency & is_draft
can_sign_declaration = is_lead_of_application_agency & is_draft
can_submit_application = is_lead_of_application_agency & is_draft
can_withdraw_application = is_lead_of_application_agency & is_open

rules.add_perm("applications.lead_application", is_lead_of_application_agency)
rules.add_perm("applications.start_application", can_start_application)
rules.add_perm("applications.edit_application", can_edit_application)

# Files the agency sends with its answers to an information request are kept
# under the request's key, "info-<request id>" (InformationRequest.evidence_section_key).
INFORMATION_PREFIX = "info-"


@dataclass(frozen=True)
class FileSection:
    """Where files are added or removed: a section of an application."""

    application: object
    key: str


@rules.predicate
def is_descriptor_section_of_editable(user, section):
    """A draft's quality descriptor sections (q1, q2, ...) take files."""
    from .sections import descriptor_number

    number = descriptor_number(section.key or "")
    return (
        number is not None
        and can_edit_application(user, section.application)
        and section.application.framework.descriptors.filter(number=number).exists()
    )


@rules.predicate
def answers_open_information_request(user, section):
    """So do an open information request's answers while the application
    waits for them, although it is locked."""
    key = section.key or ""
    request_id = key.removeprefix(INFORMATION_PREFIX)
    if not key.startswith(INFORMATION_PREFIX) or not request_id.isdigit():
        return False
    application = section.application
    return (
        application.state.agency_may_answer
        and is_member_of_application_agency(user, application)
        and application.information_requests.open().filter(pk=int(request_id)).exists()
    )


rules.add_perm(
    "applications.change_files",
    answers_open_information_request | is_descriptor_section_of_editable,
)
rules.add_perm("applications.sign_declaration", can_sign_declaration)
rules.add_perm("applications.submit_application", can_submit_application)
rules.add_perm("applications.withdraw_application", can_withdraw_application)
rules.add_perm("applications.respond_to_information_request", is_member_of_application_agency)


def may_change_files(user, application, section_key: str) -> bool:
    return rules.has_perm("applications.change_files", user, FileSection(application, section_key))
