"""The world the permission matrix (test_permission_matrix.py) runs in, built
once through the real services, and the helpers that read it.

The database allows one open application per agency, so the application at
panel belongs to a second agency on the applying side (A2) and the one waiting
for screening to a third (A3). The agency pages only ever name agency A's
applications (the one in review and the decided one), so "member of this
agency" stays exact where it matters.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models.agencies import Agency, Membership
from applications.models.evidence import EvidenceFile, ScanStatus
from applications.models.submissions import Application
from moderation.models.awards import Award, Certificate
from moderation.models.profiles import ModeratorProfile
from moderation.models.workflow import (
    Assignment,
    Decision,
    DescriptorFeedback,
    DescriptorRating,
    InformationQuestion,
    InformationRequest,
    PanelMeeting,
    Recommendation,
    Review,
    ReviewRevision,
    Screening,
)
from moderation.ratings import Rating
from moderation.services.assignments import assign_moderator
from moderation.services.certificates import generate_certificate
from moderation.services.information import request_information, respond_to_information_request
from moderation.services.panel import create_meeting, record_decision, set_meeting_details
from moderation.services.reviews import declare_conflict
from moderation.services.screening import accept_for_moderation, record_eligibility, record_fee_paid
from qualitymark.audit.models import AuditEvent
from qualitymark.files.storage import store_private_file
from tests.factories import AgencyFactory, MembershipFactory

from .builders import (
    chair,
    moderator,
    screened_application,
    staff_user,
    submit_review,
    submitted_application,
)

# The people, in the order of the matrix's columns.
ANONYMOUS = "anonymous"
MEMBER = "agency_member"
OTHER_MEMBER = "other_agency_member"
ASSIGNED = "assigned_moderator"
UNDECLARED = "undeclared_moderator"
UNASSIGNED = "unassigned_moderator"
CONFLICTED = "conflicted_moderator"
AFFILIATED = "affiliated_moderator"
CHAIR = "chair"
CONFLICTED_CHAIR = "conflicted_chair"
STAFF = "coram_staff"

ROLES = (
    ANONYMOUS,
    MEMBER,
    OTHER_MEMBER,
    ASSIGNED,
    UNDECLARED,
    UNASSIGNED,
    CONFLICTED,
    AFFILIATED,
    CHAIR,
    CONFLICTED_CHAIR,
    STAFF,
)

# Which application a target name in the matrix means.
TARGETS = ("rev", "pnl", "dec", "sub")


@dataclass
class World:
    users: dict  # role -> User (None for anonymous)
    profiles: dict  # name -> ModeratorProfile
    applications: dict  # target -> Application
    evidence: dict  # target -> EvidenceFile
    assignments: dict  # target -> the assigned moderator's Assignment (lead on "sub")
    information_request: InformationRequest
    meetings: dict  # target -> PanelMeeting ("pnl": the meeting that will decide)
    award: Award
    agencies: dict  # "a", "a2", "a3", "b" -> Agency
    storages: dict = field(default_factory=dict)

    def application(self, target: str) -> Application:
        return self.applications[target]


def add_evidence(application, *, name="tracking-policy.pdf") -> EvidenceFile:
    """A checked evidence file, stored as the upload service stores it."""
    body = b"%PDF-1.4 evidence for the permission matrix"
    stored = store_private_file(
        SimpleUploadedFile(name, body, "application/pdf"), prefix=f"evidence/{application.pk}"
    )
    return EvidenceFile.objects.create(
        application=application,
        section_key="q1",
        storage_key=stored.key,
        original_name=name,
        kind="pdf",
        content_type="application/pdf",
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=application.created_by,
        scan_status=ScanStatus.CLEAN,
    )


def feedback_for(application) -> dict:
    return {
        descriptor.pk: {
            "strengths": f"The panel praises {descriptor.code}.",
            "areas_to_develop": f"The panel asks for more on {descriptor.code}.",
        }
        for descriptor in application.framework.descriptors.all()
    }


def quorate_meeting(*, staff, panel_chair, members, application) -> PanelMeeting:
    meeting = create_meeting(
        actor=staff, held_on=timezone.localdate(), chair=panel_chair, title="Matrix panel"
    )
    set_meeting_details(
        actor=staff, meeting=meeting, members_present=[panel_chair, *members], agenda=[application]
    )
    return meeting


def at_panel(*, agency, staff, moderators) -> tuple[Application, list[Assignment]]:
    application, assignments = screened_application(
        agency=agency, staff=staff, moderators=moderators
    )
    for assignment in assignments:
        submit_review(assignment, value=Rating.MEETS, recommendation=Recommendation.FULL)
    application.refresh_from_db()
    assert application.status == "panel", application.status
    return application, assignments


def build_world() -> World:
    today = timezone.localdate()
    staff = staff_user(full_name="Casey Coram")
    profiles = {
        "assigned": moderator(),
        "undeclared": moderator(),
        "unassigned": moderator(),
        "conflicted": moderator(),
        "affiliated": moderator(),
        "chair": chair(),
        "conflicted_chair": chair(),
        # Not matrix roles: the other reviewers, panel members, and a
        # moderator taken off the panel (the target of "reactivate").
        "second": moderator(),
        "sub_lead": moderator(),
        "sub_second": moderator(),
        "panel_member_1": moderator(),
        "panel_member_2": moderator(),
        "retired": moderator(is_active=False),
    }
    panel_members = [profiles["panel_member_1"], profiles["panel_member_2"]]
    agencies = {
        "a": AgencyFactory(name="Agency A Adoption Service"),
        "a2": AgencyFactory(name="Agency A2 Adoption Service"),
        "a3": AgencyFactory(name="Agency A3 Adoption Service"),
        "b": AgencyFactory(name="Agency B Adoption Service"),
    }
    other_member = MembershipFactory(agency=agencies["b"], role=Membership.Role.MEMBER).user

    # Agency A, first: decided (Full), with its award and certificate.
    decided, decided_assignments = at_panel(
        agency=agencies["a"], staff=staff, moderators=[profiles["assigned"], profiles["second"]]
    )
    decided_meeting = quorate_meeting(
        staff=staff, panel_chair=profiles["chair"], members=panel_members, application=decided
    )
    record_decision(
        actor=profiles["chair"].user,
        application=decided,
        meeting=decided_meeting,
        outcome=Recommendation.FULL,
        rationale="Every descriptor is well evidenced.",
        feedback=feedback_for(decided),
        departure_reason="",
    )
    decided.refresh_from_db()
    assert decided.status == "decided", decided.status
    award = Award.objects.get(application=decided)
    generate_certificate(award_id=award.pk)  # the background job, run here
    member = decided.created_by  # the lead who signed and submitted it

    # Agency A, now: in review. The assigned moderator declared, asked a
    # question the agency answered, and submitted; the second has not declared.
    in_review = submitted_application(agency=agencies["a"])
    record_fee_paid(actor=staff, application=in_review, paid_on=today, invoice_number="INV-R")
    record_eligibility(actor=staff, application=in_review, eligible=True)
    assigned = assign_moderator(
        actor=staff,
        application=in_review,
        moderator=profiles["assigned"],
        role=Assignment.Role.LEAD,
        due_on=today + timedelta(days=21),
    )
    assign_moderator(
        actor=staff,
        application=in_review,
        moderator=profiles["undeclared"],
        role=Assignment.Role.SECOND,
        due_on=today + timedelta(days=21),
    )
    in_review = accept_for_moderation(actor=staff, application=in_review)
    declare_conflict(actor=profiles["assigned"].user, assignment=assigned, has_conflict=False)
    information_request = request_information(
        actor=profiles["assigned"].user,
        application=in_review,
        questions=[(None, "Who chairs your tracking meeting?")],
        due_on=today + timedelta(days=14),
    )
    respond_to_information_request(
        actor=member,
        request=information_request,
        answers={
            question.pk: "Our head of permanence."
            for question in information_request.questions.all()
        },
    )
    assigned.refresh_from_db()
    submit_review(assigned, value=Rating.MEETS, recommendation=Recommendation.FULL)
    # Assigned and declared before anyone knew of the link (added below): the
    # service refuses to assign a conflicted moderator, so the row is made here.
    Assignment.objects.create(
        application=in_review,
        moderator=profiles["conflicted"],
        role=Assignment.Role.SECOND,
        due_on=today + timedelta(days=21),
        assigned_by=staff,
        declared_at=timezone.now(),
        declared_conflict=False,
    )
    in_review.refresh_from_db()
    assert in_review.status == "in_review", in_review.status

    # Agency A2: at panel, on the agenda of a quorate meeting.
    at_panel_application, panel_assignments = at_panel(
        agency=agencies["a2"], staff=staff, moderators=[profiles["assigned"], profiles["second"]]
    )
    panel_meeting = quorate_meeting(
        staff=staff,
        panel_chair=profiles["chair"],
        members=panel_members,
        application=at_panel_application,
    )

    # Agency A3: submitted and screened (fee paid, eligible, two moderators),
    # ready for Coram staff to accept or return.
    submitted = submitted_application(agency=agencies["a3"])
    record_fee_paid(actor=staff, application=submitted, paid_on=today, invoice_number="INV-S")
    record_eligibility(actor=staff, application=submitted, eligible=True)
    submitted_lead = assign_moderator(
        actor=staff,
        application=submitted,
        moderator=profiles["sub_lead"],
        role=Assignment.Role.LEAD,
        due_on=today + timedelta(days=21),
    )
    assign_moderator(
        actor=staff,
        application=submitted,
        moderator=profiles["sub_second"],
        role=Assignment.Role.SECOND,
        due_on=today + timedelta(days=21),
    )

    # The conflicts become known last (a conflicted moderator cannot be assigned).
    for name in ("conflicted", "affiliated", "conflicted_chair"):
        profiles[name].affiliated_agencies.set([agencies["a"], agencies["a2"]])

    applications = {
        "rev": in_review,
        "pnl": at_panel_application,
        "dec": decided,
        "sub": submitted,
    }
    return World(
        users={
            ANONYMOUS: None,
            MEMBER: member,
            OTHER_MEMBER: other_member,
            ASSIGNED: profiles["assigned"].user,
            UNDECLARED: profiles["undeclared"].user,
            UNASSIGNED: profiles["unassigned"].user,
            CONFLICTED: profiles["conflicted"].user,
            AFFILIATED: profiles["affiliated"].user,
            CHAIR: profiles["chair"].user,
            CONFLICTED_CHAIR: profiles["conflicted_chair"].user,
            STAFF: staff,
        },
        profiles=profiles,
        applications=applications,
        evidence={target: add_evidence(app) for target, app in applications.items()},
        assignments={
            "rev": assigned,
            "pnl": panel_assignments[0],
            "dec": decided_assignments[0],
            "sub": submitted_lead,
        },
        information_request=information_request,
        meetings={"pnl": panel_meeting, "dec": decided_meeting},
        award=award,
        agencies=agencies,
    )


# --- What a refused request must leave untouched -------------------------------------------

SNAPSHOT_MODELS = (
    Agency,
    Membership,
    Application,
    EvidenceFile,
    Screening,
    ModeratorProfile,
    ModeratorProfile.affiliated_agencies.through,
    Assignment,
    Review,
    DescriptorRating,
    ReviewRevision,
    InformationRequest,
    InformationQuestion,
    PanelMeeting,
    PanelMeeting.members_present.through,
    PanelMeeting.agenda.through,
    Decision,
    DescriptorFeedback,
    Award,
    Certificate,
    AuditEvent,
)


def snapshot() -> dict:
    """Every row of every model a moderation page can change."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS
    }


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


__all__ = [
    "ROLES",
    "TARGETS",
    "World",
    "build_world",
    "changed_tables",
    "snapshot",
]
