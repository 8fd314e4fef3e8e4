"""Every e-mail template rendered with realistic, fictional data, for Coram
staff to read before anyone receives it. Nothing here is saved."""

from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone

from applications.models.agencies import Agency, Invitation
from applications.models.evidence import EvidenceFile
from applications.models.submissions import Application
from descriptors.models import Descriptor
from qualitymark.notifications.services import render_email
from qualitymark.users.models import User

from .models.appeals import Appeal
from .models.awards import Award
from .models.profiles import ModeratorProfile
from .models.workflow import Assignment, Decision

EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / "emails"


def template_names() -> list[str]:
    return sorted(path.stem for path in EMAIL_DIR.glob("*.txt"))


def _people():
    lead = User(email="amira.hassan@severnheart.example", full_name="Amira Hassan")
    moderator = User(email="ruth.adeyemi@moderators.example", full_name="Ruth Adeyemi")
    staff = User(email="sam.clarke@coram.example", full_name="Sam Clarke")
    return lead, moderator, staff


def preview_context() -> dict:
    today = timezone.localdate()
    lead, moderator_user, staff = _people()
    agency = Agency(name="Severn Heart Adoption", region="south_west", agency_type="raa")
    application = Application(
        pk=7,
        agency=agency,
        reference=f"EPQM-{today.year}-0007",
        kind="new",
        level_sought="full",
        fee_pence=75000,
        submitted_at=timezone.now() - timedelta(days=12),
    )
    assignment = Assignment(
        application=application,
        moderator=ModeratorProfile(user=moderator_user),
        role="lead",
        due_on=today + timedelta(days=3),
        declaration_details="I chaired a training day for the agency's fostering team in 2024.",
        removal_reason="On leave until the end of the month.",
    )
    site = settings.SITE_URL
    return {
        "site_url": site,
        "url": f"{site}/agency/severn-heart-adoption/applications/7/",
        "section_url": f"{site}/agency/severn-heart-adoption/applications/7/sections/q3/",
        "staff_url": f"{site}/staff/applications/7/",
        "actor": lead,
        "application": application,
        "assignment": assignment,
        "reason": "The fee band for a partnership of three agencies applies; please resubmit.",
        "request": _information_request(today),
        "decision": Decision(
            outcome="working_towards",
            correction_reason="The first record named the wrong level.",
        ),
        "evidence": EvidenceFile(
            original_name="carer-survey-2025.docx", scan_signature="Eicar-Test-Signature"
        ),
        "award": Award(
            agency=agency,
            number=f"EPQM-C-{today.year - 3}-0012",
            level="full",
            expires_on=today + timedelta(days=90),
        ),
        "replaces_earlier": True,
        "verify_url": f"{site}/verify/3f9c2a7e-example/",
        "appeal": _appeal(application),
        "when": "in 3 months",
        "midpoint": today + timedelta(days=28),
        "plan_url": f"{site}/agency/severn-heart-adoption/awards/12/action-plan/",
        "plan": SimpleNamespace(
            acknowledgement="A clear report: the new tracking meeting is already showing results.",
            progress_summary="Four of five teams trained; the tracking meeting runs monthly.",
            reported_by=lead,
        ),
        "renew_url": f"{site}/agency/severn-heart-adoption/applications/start/",
        "award_url": f"{site}/agency/severn-heart-adoption/awards/12/",
        **_invitation_context(agency, staff),
    }


def _appeal(application) -> Appeal:
    return Appeal(
        application=application,
        decision=Decision(outcome="working_towards"),
        grounds=[Appeal.Grounds.EVIDENCE],
        explanation="The panel did not read our tracking data for Q4.",
        outcome=Appeal.Outcome.FULL,
        reasons="The Q4 tracking data meets the descriptor; every descriptor is met.",
    )


def _information_request(today) -> SimpleNamespace:
    descriptor = Descriptor(number=3, title="Recruiting, assessing and preparing carers")
    questions = [
        SimpleNamespace(
            descriptor=descriptor,
            question="How many early permanence carers "
            "did you approve last year, and how long did assessment take?",
        ),
        SimpleNamespace(
            descriptor=None, question="Please send your tracking meeting's terms of reference."
        ),
    ]
    return SimpleNamespace(
        due_on=today + timedelta(days=14), questions=SimpleNamespace(all=lambda: questions)
    )


def _invitation_context(agency, inviter) -> dict:
    expires = timezone.make_aware(
        datetime.combine(date.today() + timedelta(days=14), datetime.min.time().replace(hour=17))
    )
    invitation = Invitation(
        email="new.colleague@severnheart.example",
        role="agency_member",
        agency=agency,
        invited_by=inviter,
        expires_at=expires,
    )
    return {
        "invitation": invitation,
        "role": invitation.get_role_display(),
        "agency": agency,
        "inviter": inviter,
        "link": f"{settings.SITE_URL}/invitations/example-link-not-a-real-token/",
        "expires_at": expires,
        "valid_days": 14,
        "service_name": "Early Permanence Quality Mark",
    }


def render_preview(name: str) -> tuple[str, str]:
    """(subject, body) of one template, as the service would send it."""
    return render_email(name, preview_context())
