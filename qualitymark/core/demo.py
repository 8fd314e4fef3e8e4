"""Demo data for local use: fictional agencies in every region and of every
type, and one person per role with a documented local-only password.

Every function is idempotent: running the seed twice changes nothing."""

from django.conf import settings
from django.db import transaction

from applications.lifecycle import Status
from applications.models.agencies import Agency, Membership
from descriptors.services import ensure_working_framework
from moderation.models.profiles import ModeratorProfile
from moderation.ratings import SCALE, Rating
from qualitymark.users.models import User

from .demo_people import DemoPerson, _person, seed_agencies, seed_people


@transaction.atomic
def seed_demo() -> dict:
    if settings.PRODUCTION:
        raise RuntimeError("Demo data is for local use only; DJANGO_ENV is production.")
    framework = _seed_framework()
    agencies = seed_agencies()
    people = seed_people(agencies)
    awards = seed_awards(agencies, people)
    in_progress = seed_work_in_progress(agencies, people)
    return {
        "framework": framework,
        "agencies": agencies,
        "people": people,
        "awards": awards,
        "in_progress": in_progress,
    }


def _seed_framework():
    return ensure_working_framework()


# --- Published awards, so that the public register is not empty ---------------------------
# Each is reached through the real services: an application submitted by a lead
# of that agency, screened, reviewed by two moderators, decided by a quorate
# panel and published by Coram staff. Wessex Shore (the demo lead's agency) is
# left alone, so that it can start a new application.

DEMO_AWARDS = [
    # (agency, level, its lead: e-mail, name, job title, rating given on every descriptor)
    (
        "Downs and Weald Adoption",
        "full",
        ("lead@downsweald.org.uk", "Hannah Okafor", "Head of Adoption"),
    ),
    (
        "Tyneside Vale Council Adoption Service",
        "working_towards",
        ("lead@tynesidevale.gov.uk", "Joe Pattinson", "Service Manager, Adoption"),
    ),
]

_DEMO_NARRATIVE = (
    "Early permanence is discussed at the first planning meeting for every baby where adoption "
    "may become the plan. A monthly tracking meeting with the children's social work teams "
    "reviews each unborn baby and each infant in proceedings, so that suitable carers are "
    "identified early and the court is told about the early permanence option."
)


def _demo_section_answers(key: str) -> dict:
    if key == "about":
        return {
            "contact_name": "Early Permanence Team Manager",
            "contact_role": "Team manager",
            "contact_email": "ep-team@agency.example",
            "contact_phone": "0300 123 4567",
            "head_of_service_name": "Head of Adoption",
            "head_of_service_email": "head-of-adoption@agency.example",
            "service_description": "A team of social workers who recruit, assess, prepare and "
            "support carers for Fostering for Adoption and concurrent planning.",
        }
    if key == "ep-data":
        return {
            "ffa_placements": "8",
            "concurrent_placements": "2",
            "children_placed_for_adoption": "37",
            "placed_before_first_birthday": "12",
            "ep_households_approved": "9",
            "average_days_to_ep_placement": "26",
        }
    if key == "fee":
        return {
            "purchase_order_number": "PO-DEMO-001",
            "invoice_contact_name": "Finance Team",
            "invoice_contact_email": "finance@agency.example",
            "invoice_address": "Civic Offices\nHigh Street",
        }
    if key == "changes":
        return {"changes": _DEMO_NARRATIVE, "development_progress": _DEMO_NARRATIVE}
    return {"narrative": _DEMO_NARRATIVE}


def _demo_reviewers() -> list[ModeratorProfile]:
    return [
        ModeratorProfile.objects.get(user__email=email)
        for email in ("moderator@qualitymark.example", "moderator2@qualitymark.example")
    ]


def complete_and_submit(application, *, lead: User, answers_for, name: str, role: str):
    """Answer every section through its form (so the answers are checked as the
    pages check them), sign the declaration and submit, as the agency's lead.
    answers_for(section_key) gives the posted values for a section."""
    from applications.models.submissions import SectionAnswer
    from applications.section_list import form_kwargs
    from applications.selectors.submissions import application_overview
    from applications.services.submissions import (
        save_section,
        sign_declaration,
        submit_application,
    )

    for row in application_overview(application).rows:
        form = row.section.form_class(
            {**answers_for(row.key), "version": 0, "completed": "yes"},
            application=application,
            **form_kwargs(row.section),
        )
        if not form.is_valid():
            raise ValueError(f"The answers for {row.key} are not valid: {form.errors}")
        save_section(
            actor=lead,
            application=application,
            key=row.key,
            data=form.answer_data(),
            state=SectionAnswer.State.COMPLETED,
            expected_version=0,
        )
    sign_declaration(actor=lead, application=application, name=name, role=role)
    return submit_application(actor=lead, application=application)


def _demo_submitted_application(agency: Agency, level: str, lead: User):
    from applications.services.submissions import start_application

    application = start_application(actor=lead, agency=agency, level_sought=level, kind="new")
    return complete_and_submit(
        application,
        lead=lead,
        answers_for=_demo_section_answers,
        name=lead.full_name,
        role=lead.job_title,
    )


def _screen_and_assign(application, staff, reviewers):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.models.workflow import Assignment
    from moderation.services.assignments import assign_moderator
    from moderation.services.screening import (
        accept_for_moderation,
        record_eligibility,
        record_fee_paid,
    )

    today = timezone.localdate()
    record_fee_paid(actor=staff, application=application, paid_on=today, invoice_number="INV-DEMO")
    record_eligibility(actor=staff, application=application, eligible=True)
    assignments = [
        assign_moderator(
            actor=staff,
            application=application,
            moderator=profile,
            role=Assignment.Role.LEAD if index == 0 else Assignment.Role.SECOND,
            due_on=today + timedelta(days=21),
        )
        for index, profile in enumerate(reviewers)
    ]
    application = accept_for_moderation(actor=staff, application=application)
    return application, assignments


def _demo_decided_application(agency: Agency, level: str, lead: User, people: dict):
    from django.utils import timezone

    from moderation.models.workflow import Recommendation
    from moderation.selectors.panel import consolidation_for
    from moderation.services.panel import create_meeting, record_decision, set_meeting_details
    from moderation.services.reviews import declare_conflict, review_for, submit_review

    staff = people["Coram staff"]
    panel_chair = ModeratorProfile.objects.get(user=people["Panel chair"])
    reviewers = _demo_reviewers()
    today = timezone.localdate()

    application = _demo_submitted_application(agency, level, lead)
    application, assignments = _screen_and_assign(application, staff, reviewers)
    descriptors = list(application.framework.descriptors.order_by("number"))
    feedback = {
        descriptor.pk: {
            "rating": Rating.MEETS,
            "strengths": f"Clear evidence of early permanence practice under {descriptor.code}.",
            "areas_to_develop": f"Show how the learning under {descriptor.code} is shared "
            "across the whole service and how its impact is measured.",
        }
        for descriptor in descriptors
    }
    recommendation = Recommendation.for_level(level)
    for assignment in assignments:
        moderator_user = assignment.moderator.user
        declare_conflict(actor=moderator_user, assignment=assignment, has_conflict=False)
        submit_review(
            actor=moderator_user,
            review=review_for(assignment),
            ratings=_demo_ratings(feedback, level, assignment.role),
            recommendation=recommendation,
            summary="A well-evidenced application with a clear commitment to early permanence.",
        )
    application.refresh_from_db()
    meeting = create_meeting(
        actor=staff, held_on=today, chair=panel_chair, title=f"Demo panel: {agency.name}"
    )
    set_meeting_details(
        actor=staff,
        meeting=meeting,
        members_present=[panel_chair, *reviewers],
        agenda=[application],
    )
    suggested = consolidation_for(application).suggested_outcome
    return record_decision(
        actor=panel_chair.user,
        application=application,
        meeting=meeting,
        outcome=recommendation,
        rationale="The evidence shows consistent early permanence practice across the service.",
        feedback=feedback,
        departure_reason=""
        if suggested == recommendation
        else "The panel weighed the evidence as a whole.",
    )


# Moderators who do not always agree, so that the calibration page has figures:
# one step apart on a few descriptors (steps on the rating scale, 0 the lowest; Q1-Q7).
DEMO_RATINGS = {
    ("full", "lead"): [3, 2, 3, 2, 2, 3, 2],
    ("full", "second"): [2, 2, 3, 3, 2, 2, 2],
    ("working_towards", "lead"): [2, 1, 1, 2, 1, 2, 1],
    ("working_towards", "second"): [2, 1, 2, 1, 1, 2, 0],
}


def _demo_ratings(feedback: dict, level: str, role: str) -> dict:
    steps = DEMO_RATINGS[(level, role)]
    return {
        pk: {**answer, "rating": SCALE[steps[index]].key}
        for index, (pk, answer) in enumerate(feedback.items())
    }


def seed_awards(agencies: dict[str, Agency], people: dict[str, User]) -> list:
    """One Full and one Working Towards award, published. Skips an agency that
    already has an award or any application, so running twice changes nothing."""
    from moderation.models.awards import Award
    from moderation.services.awards import publish_award

    awards = []
    for agency_name, level, (email, full_name, job_title) in DEMO_AWARDS:
        agency = agencies[agency_name]
        existing = Award.objects.filter(agency=agency).order_by("-awarded_on").first()
        if existing is not None:
            awards.append(existing)
            continue
        if agency.applications.exists():
            continue
        lead = _person(DemoPerson(email, full_name, job_title, "Agency lead"))
        Membership.objects.get_or_create(
            user=lead, agency=agency, defaults={"role": Membership.Role.LEAD}
        )
        decision = _demo_decided_application(agency, level, lead, people)
        award = publish_award(actor=people["Coram staff"], award=decision.award)
        awards.append(award)
    return awards


# --- Work in progress, so that every role has something to do -----------------------------

DEMO_IN_PROGRESS = [
    # (agency, its lead: e-mail, name, job title, stage)
    (
        "Severn Heart Adoption",
        ("lead@severnheart.org.uk", "Amira Hassan", "Early Permanence Lead"),
        Status.SUBMITTED,
    ),
    (
        "Calder and Aire Adoption",
        ("lead@calderaire-adoption.org.uk", "Gary Whitworth", "Head of Service"),
        Status.IN_REVIEW,
    ),
    (
        "Humber Coast Council Adoption Service",
        ("lead@humbercoast.gov.uk", "Priya Nair", "Service Manager, Adoption"),
        Status.INFORMATION_REQUESTED,
    ),
    (
        "Black Country Borough Adoption Service",
        ("lead@blackcountryborough.gov.uk", "Tom Birch", "Head of Adoption"),
        Status.PANEL,
    ),
]


def seed_work_in_progress(agencies: dict[str, Agency], people: dict[str, User]) -> list:
    """An application waiting for screening (for the staff demo) and one with
    the demo moderators (for the moderator demo, conflict declaration first).
    Skips an agency that already has an application."""
    applications = []
    for agency_name, (email, full_name, job_title), stage in DEMO_IN_PROGRESS:
        agency = agencies[agency_name]
        existing = agency.applications.first()
        if existing is not None:
            applications.append(existing)
            continue
        lead = _person(DemoPerson(email, full_name, job_title, "Agency lead"))
        Membership.objects.get_or_create(
            user=lead, agency=agency, defaults={"role": Membership.Role.LEAD}
        )
        application = _demo_submitted_application(agency, "full", lead)
        if stage != Status.SUBMITTED:
            application, assignments = _screen_and_assign(
                application, people["Coram staff"], _demo_reviewers()
            )
            _advance_demo_review(application, assignments, stage, people)
        applications.append(application)
    return applications


def _advance_demo_review(application, assignments, stage: str, people: dict) -> None:
    """Past the moderators' declarations: questions to the agency, or both
    reviews in and the application on the next panel meeting's agenda."""
    from datetime import timedelta

    from django.utils import timezone

    from moderation.services.information import request_information
    from moderation.services.panel import create_meeting, set_meeting_details
    from moderation.services.reviews import declare_conflict, review_for, submit_review

    if stage == Status.IN_REVIEW:
        return
    for assignment in assignments:
        declare_conflict(actor=assignment.moderator.user, assignment=assignment, has_conflict=False)
    today = timezone.localdate()
    if stage == Status.INFORMATION_REQUESTED:
        request_information(
            actor=assignments[0].moderator.user,
            application=application,
            questions=[(None, "How many early permanence carers did you approve last year?")],
            due_on=today + timedelta(days=14),
        )
        return
    feedback = {
        descriptor.pk: {
            "strengths": f"Good evidence under {descriptor.code}.",
            "areas_to_develop": f"Say how the learning under {descriptor.code} is shared.",
        }
        for descriptor in application.framework.descriptors.order_by("number")
    }
    for assignment in assignments:
        submit_review(
            actor=assignment.moderator.user,
            review=review_for(assignment),
            ratings=_demo_ratings(feedback, "full", assignment.role),
            recommendation="full",
            summary="Consistent early permanence practice, well evidenced.",
        )
    application.refresh_from_db()  # the last review took it to panel
    chair = ModeratorProfile.objects.get(user=people["Panel chair"])
    meeting = create_meeting(
        actor=people["Coram staff"],
        held_on=today + timedelta(days=14),
        chair=chair,
        title="Demo panel: next meeting",
    )
    set_meeting_details(
        actor=people["Coram staff"],
        meeting=meeting,
        members_present=[chair, *_demo_reviewers()],
        agenda=[application],
    )
