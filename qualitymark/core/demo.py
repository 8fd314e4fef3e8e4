"""Demo data for local use: fictional agencies in every region and of every
type, and one person per role with a documented local-only password.

Every function is idempotent: running the seed twice changes nothing."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction

from applications.models import Agency, AgencyType, Membership, Region
from descriptors.services import ensure_working_framework
from moderation.models import ModeratorProfile
from qualitymark.users.models import User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented, local only
# A fixed authenticator secret for the demo moderators and staff, so a new user
# can sign in without enrolling a phone: `manage.py demo_totp_code` prints codes.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

DEMO_AGENCIES = [
    (
        "Tyneside Vale Council Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.NORTH_EAST,
        "SC400101",
        "tynesidevale.gov.uk",
    ),
    (
        "Adopt North Pennines",
        AgencyType.REGIONAL,
        Region.NORTH_EAST,
        "SC400102",
        "adoptnorthpennines.org.uk",
    ),
    (
        "Mersey Estuary Adoption",
        AgencyType.REGIONAL,
        Region.NORTH_WEST,
        "SC400103",
        "merseyestuaryadoption.org.uk",
    ),
    (
        "Lakeland Families Adoption Society",
        AgencyType.VOLUNTARY,
        Region.NORTH_WEST,
        "SC400104",
        "lakelandfamilies.org.uk",
    ),
    (
        "Calder and Aire Adoption",
        AgencyType.REGIONAL,
        Region.YORKSHIRE,
        "SC400105",
        "calderaire-adoption.org.uk",
    ),
    (
        "Humber Coast Council Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.YORKSHIRE,
        "SC400106",
        "humbercoast.gov.uk",
    ),
    (
        "Trent Valley Adoption",
        AgencyType.REGIONAL,
        Region.EAST_MIDLANDS,
        "SC400107",
        "trentvalleyadoption.org.uk",
    ),
    (
        "Charnwood Edge Children's Charity",
        AgencyType.VOLUNTARY,
        Region.EAST_MIDLANDS,
        "SC400108",
        "charnwoodedge.org.uk",
    ),
    (
        "Severn Heart Adoption",
        AgencyType.REGIONAL,
        Region.WEST_MIDLANDS,
        "SC400109",
        "severnheart.org.uk",
    ),
    (
        "Black Country Borough Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.WEST_MIDLANDS,
        "SC400110",
        "blackcountryborough.gov.uk",
    ),
    (
        "Fenland and Broads Adoption",
        AgencyType.REGIONAL,
        Region.EAST,
        "SC400111",
        "fenlandbroads.org.uk",
    ),
    (
        "Thameside Borough Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.LONDON,
        "SC400112",
        "thamesideborough.gov.uk",
    ),
    (
        "Capital Early Families",
        AgencyType.VOLUNTARY,
        Region.LONDON,
        "SC400113",
        "capitalearlyfamilies.org.uk",
    ),
    (
        "Downs and Weald Adoption",
        AgencyType.REGIONAL,
        Region.SOUTH_EAST,
        "SC400114",
        "downsweald.org.uk",
    ),
    (
        "Wessex Shore Adoption",
        AgencyType.REGIONAL,
        Region.SOUTH_WEST,
        "SC400115",
        "wessexshore.org.uk",
    ),
    (
        "Cotswold Hills Council Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.SOUTH_WEST,
        "SC400116",
        "cotswoldhills.gov.uk",
    ),
]
DEMO_PARTNERSHIP = (
    "South West Early Permanence Partnership",
    Region.SOUTH_WEST,
    ["Wessex Shore Adoption", "Cotswold Hills Council Adoption Service"],
)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    job_title: str
    role: str


DEMO_PEOPLE = [
    DemoPerson("lead@wessexshore.org.uk", "Priya Lawrence", "Head of Service", "Agency lead"),
    DemoPerson(
        "member@wessexshore.org.uk",
        "Tom Ashdown",
        "Early permanence social worker",
        "Agency member",
    ),
    DemoPerson(
        "moderator@qualitymark.example",
        "Dr Helen Marsh",
        "Independent moderator (academic)",
        "Moderator",
    ),
    DemoPerson(
        "moderator2@qualitymark.example", "Gareth Olu", "Independent moderator (legal)", "Moderator"
    ),
    DemoPerson("chair@qualitymark.example", "Margaret Ellison", "Panel chair", "Panel chair"),
    DemoPerson("staff@coram.example", "Sam Whitfield", "Quality Mark coordinator", "Coram staff"),
]


def _website(domain: str) -> str:
    return f"https://www.{domain}"


def seed_agencies() -> dict[str, Agency]:
    agencies = {}
    for name, agency_type, region, urn, domain in DEMO_AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            name=name,
            defaults={
                "agency_type": agency_type,
                "region": region,
                "ofsted_urn": urn,
                "website": _website(domain),
                "email_domain": domain,
                "public_email": f"adoption@{domain}",
                "public_phone": "0300 123 4567",
            },
        )
        agencies[name] = agency
    name, region, member_names = DEMO_PARTNERSHIP
    partnership, created = Agency.objects.get_or_create(
        name=name,
        defaults={
            "agency_type": AgencyType.PARTNERSHIP,
            "region": region,
            "website": _website("swepartnership.org.uk"),
            "email_domain": "swepartnership.org.uk",
        },
    )
    if created:
        partnership.partnership_members.set(agencies[member] for member in member_names)
    agencies[name] = partnership
    return agencies


def _person(person: DemoPerson, **flags) -> User:
    user, created = User.objects.get_or_create(
        email=person.email,
        defaults={"full_name": person.full_name, "job_title": person.job_title, **flags},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _give_demo_authenticator(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


DEMO_MODERATORS = {
    # e-mail: (expertise, chair rights, regions where they work or have worked)
    "moderator@qualitymark.example": (["academic"], False, [Region.NORTH_WEST]),
    "moderator2@qualitymark.example": (["legal"], False, [Region.EAST_MIDLANDS]),
    "chair@qualitymark.example": (["legal", "practice"], True, [Region.LONDON]),
}


def seed_people(agencies: dict[str, Agency]) -> dict[str, User]:
    """Everyone in DEMO_PEOPLE, keyed by e-mail and also by role (the first
    person with each role)."""
    by_email = {
        person.email: _person(
            person,
            **(
                {"is_coram_staff": True, "is_staff": True, "is_superuser": True}
                if person.role == "Coram staff"
                else {}
            ),
        )
        for person in DEMO_PEOPLE
    }
    people = dict(by_email)
    for person in DEMO_PEOPLE:
        people.setdefault(person.role, by_email[person.email])

    home_agency = agencies["Wessex Shore Adoption"]
    Membership.objects.get_or_create(
        user=people["Agency lead"], agency=home_agency, defaults={"role": Membership.Role.LEAD}
    )
    Membership.objects.get_or_create(
        user=people["Agency member"], agency=home_agency, defaults={"role": Membership.Role.MEMBER}
    )
    for email, (expertise, is_chair, regions) in DEMO_MODERATORS.items():
        ModeratorProfile.objects.get_or_create(
            user=by_email[email],
            defaults={"expertise": expertise, "is_chair": is_chair, "affiliated_regions": regions},
        )
    for user in by_email.values():
        if user.is_coram_staff or hasattr(user, "moderator_profile"):
            _give_demo_authenticator(user)
    return people


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
    from applications import services as application_services
    from applications.models import SectionAnswer
    from applications.section_list import form_kwargs
    from applications.selectors import application_overview

    for row in application_overview(application).rows:
        form = row.section.form_class(
            {**answers_for(row.key), "version": 0, "completed": "yes"},
            application=application,
            **form_kwargs(row.section),
        )
        if not form.is_valid():
            raise ValueError(f"The answers for {row.key} are not valid: {form.errors}")
        application_services.save_section(
            actor=lead,
            application=application,
            key=row.key,
            data=form.answer_data(),
            state=SectionAnswer.State.COMPLETED,
            expected_version=0,
        )
    application_services.sign_declaration(actor=lead, application=application, name=name, role=role)
    return application_services.submit_application(actor=lead, application=application)


def _demo_submitted_application(agency: Agency, level: str, lead: User):
    from applications import services as application_services

    application = application_services.start_application(
        actor=lead, agency=agency, level_sought=level, kind="new"
    )
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

    from moderation import services as moderation_services
    from moderation.models import Assignment

    today = timezone.localdate()
    moderation_services.record_fee_paid(
        actor=staff, application=application, paid_on=today, invoice_number="INV-DEMO"
    )
    moderation_services.record_eligibility(actor=staff, application=application, eligible=True)
    assignments = [
        moderation_services.assign_moderator(
            actor=staff,
            application=application,
            moderator=profile,
            role=Assignment.Role.LEAD if index == 0 else Assignment.Role.SECOND,
            due_on=today + timedelta(days=21),
        )
        for index, profile in enumerate(reviewers)
    ]
    application = moderation_services.accept_for_moderation(actor=staff, application=application)
    return application, assignments


def _demo_decided_application(agency: Agency, level: str, lead: User, people: dict):
    from django.utils import timezone

    from moderation import services as moderation_services
    from moderation.models import Recommendation
    from moderation.selectors import consolidation_for

    staff = people["Coram staff"]
    panel_chair = ModeratorProfile.objects.get(user=people["Panel chair"])
    reviewers = _demo_reviewers()
    today = timezone.localdate()

    application = _demo_submitted_application(agency, level, lead)
    application, assignments = _screen_and_assign(application, staff, reviewers)
    descriptors = list(application.framework.descriptors.order_by("number"))
    feedback = {
        descriptor.pk: {
            "rating": settings.RATING_MEETS,
            "strengths": f"Clear evidence of early permanence practice under {descriptor.code}.",
            "areas_to_develop": f"Show how the learning under {descriptor.code} is shared "
            "across the whole service and how its impact is measured.",
        }
        for descriptor in descriptors
    }
    recommendation = Recommendation.for_level(level)
    for assignment in assignments:
        moderator_user = assignment.moderator.user
        moderation_services.declare_conflict(
            actor=moderator_user, assignment=assignment, has_conflict=False
        )
        moderation_services.submit_review(
            actor=moderator_user,
            review=moderation_services.review_for(assignment),
            ratings=feedback,
            recommendation=recommendation,
            summary="A well-evidenced application with a clear commitment to early permanence.",
        )
    application.refresh_from_db()
    meeting = moderation_services.create_meeting(
        actor=staff, held_on=today, chair=panel_chair, title=f"Demo panel: {agency.name}"
    )
    moderation_services.set_meeting_details(
        actor=staff,
        meeting=meeting,
        members_present=[panel_chair, *reviewers],
        agenda=[application],
    )
    suggested = consolidation_for(application).suggested_outcome
    return moderation_services.record_decision(
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


def seed_awards(agencies: dict[str, Agency], people: dict[str, User]) -> list:
    """One Full and one Working Towards award, published. Skips an agency that
    already has an award or any application, so running twice changes nothing."""
    from moderation.models import Award
    from moderation.services import publish_award

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
        "submitted",
    ),
    (
        "Calder and Aire Adoption",
        ("lead@calderaire-adoption.org.uk", "Gary Whitworth", "Head of Service"),
        "in_review",
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
        if stage == "in_review":
            application, _ = _screen_and_assign(
                application, people["Coram staff"], _demo_reviewers()
            )
        applications.append(application)
    return applications
