"""A data set that grows in whole units, written with bulk_create so that ten
times the data takes seconds, not minutes. Used by the query-count tests (one
unit and three) and by bench/scale.py (the issue's 1x is 20 units: 2,000
applications, 400 agencies; 10x is 200 units).

One unit: 20 agencies (one of them a partnership of three others), each with a
lead; 100 applications (20 open, 27 decided, the rest withdrawn), two
moderators on each one past screening (the busy moderator on every other one),
submitted reviews on those at panel or decided, a decision and a published
award for each decided one, two panel meetings, five more moderators and 20
e-mails in the notification log. The chair is linked to the partnership and to
one other agency in each unit, so the panel list has conflicts to leave out."""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from applications.models.agencies import Agency, AgencyType, Membership, PartnershipMember, Region
from applications.models.submissions import Application
from descriptors.services import ensure_working_framework
from moderation.models.awards import Award
from moderation.models.profiles import ModeratorProfile
from moderation.models.workflow import Assignment, Decision, PanelMeeting, Review, Screening
from qualitymark.notifications.models import SentEmail
from qualitymark.users.models import User
from tests.moderation.builders import moderator, staff_user

OPEN = ["submitted", "in_review", "information_requested", "panel"]
REGIONS = [choice for choice, _ in Region.choices]
AGENCIES_PER_UNIT = 20
APPLICATIONS_PER_UNIT = 100

_units = count()


@dataclass
class World:
    staff: User
    chair: ModeratorProfile
    busy: ModeratorProfile
    others: list[ModeratorProfile]
    units: int = 0


def new_world() -> World:
    ensure_working_framework()
    return World(
        staff=staff_user(),
        chair=moderator(is_chair=True),
        busy=moderator(),
        others=[moderator() for _ in range(3)],
    )


def _agencies(unit: int) -> list[Agency]:
    agencies = Agency.objects.bulk_create(
        Agency(
            name=f"Adoption Service {unit}-{n}",
            slug=f"adoption-service-{unit}-{n}",
            agency_type=AgencyType.LOCAL_AUTHORITY if n else AgencyType.PARTNERSHIP,
            region=REGIONS[(unit + n) % len(REGIONS)],
            ofsted_urn=f"SC{500000 + unit * AGENCIES_PER_UNIT + n}",
            email_domain=f"agency-{unit}-{n}.gov.uk",
        )
        for n in range(AGENCIES_PER_UNIT)
    )
    PartnershipMember.objects.bulk_create(
        PartnershipMember(partnership=agencies[0], member=member) for member in agencies[1:4]
    )
    leads = User.objects.bulk_create(
        User(email=f"lead-{unit}-{n}@agency-{unit}-{n}.gov.uk", full_name=f"Lead {unit} {n}")
        for n in range(AGENCIES_PER_UNIT)
    )
    Membership.objects.bulk_create(
        Membership(user=lead, agency=agency, role="lead")
        for lead, agency in zip(leads, agencies, strict=True)
    )
    return agencies


def _status(i: int) -> str:
    """An agency has one open application at most: the first of each agency's
    applications is open, the rest are decided or withdrawn."""
    if i < AGENCIES_PER_UNIT:
        return OPEN[i % len(OPEN)]
    return "decided" if i % 3 == 0 else "withdrawn"


def _applications(unit: int, world: World, agencies: list[Agency]) -> list[Application]:
    framework = ensure_working_framework()
    now = timezone.now()
    return Application.objects.bulk_create(
        Application(
            agency=agencies[i % len(agencies)],
            framework=framework,
            kind="new",
            level_sought="full",
            reference=f"EPQM-P{unit:04d}-{i:03d}",
            status=_status(i),
            created_by=world.staff,
            submitted_at=now - timedelta(days=i % 300, minutes=unit),
            fee_pence=75000,
        )
        for i in range(APPLICATIONS_PER_UNIT)
    )


def _moderation(world: World, applications: list[Application]) -> None:
    today = timezone.localdate()
    Screening.objects.bulk_create(
        Screening(application=application, updated_by=world.staff)
        for application in applications[::2]
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(
            application=application,
            moderator=world.busy if (i + offset) % 2 == 0 else world.others[i % 3],
            role=role,
            due_on=today + timedelta(days=(i % 40) - 20),
            assigned_by=world.staff,
        )
        for i, application in enumerate(applications)
        if application.status != "submitted"
        for offset, role in ((0, "lead"), (1, "second"))
    )
    Review.objects.bulk_create(
        Review(
            assignment=assignment,
            recommendation="full",
            summary="Meets the descriptors.",
            submitted_at=timezone.now(),
            version=1,
        )
        for assignment in assignments
        if assignment.application.status in ("panel", "decided")
    )


def _decisions_and_awards(unit: int, world: World, applications: list[Application]) -> None:
    decided = [application for application in applications if application.status == "decided"]
    decisions = Decision.objects.bulk_create(
        Decision(
            application=application,
            outcome="full",
            suggested_outcome="full",
            rationale="Meets the descriptors.",
            recorded_by=world.staff,
        )
        for application in decided
    )
    now = timezone.now()
    awarded = set()
    awards = []
    for n, decision in enumerate(decisions):
        # One live award per agency: an agency's earlier awards have expired.
        live = decision.application.agency_id not in awarded
        awarded.add(decision.application.agency_id)
        awards.append(
            Award(
                agency=decision.application.agency,
                application=decision.application,
                decision=decision,
                level="full",
                number=f"EPQM-C-26-{unit:04d}{n:02d}",
                awarded_on=date(2026, 3, 10) if live else date(2022, 3, 10),
                expires_on=date(2029, 3, 9) if live else date(2025, 3, 9),
                status="current" if live else "expired",
                is_published=True,
                published_at=now,
                first_published_at=now,
            )
        )
    Award.objects.bulk_create(awards)


def _meetings(world: World, applications: list[Application]) -> None:
    at_panel = [application for application in applications if application.status == "panel"]
    meetings = PanelMeeting.objects.bulk_create(
        PanelMeeting(
            held_on=date(2026, 1, 1) + timedelta(days=n), chair=world.chair, created_by=world.staff
        )
        for n in range(2)
    )
    PanelMeeting.agenda.through.objects.bulk_create(
        PanelMeeting.agenda.through(panelmeeting=meeting, application=application)
        for meeting in meetings
        for application in at_panel[:5]
    )
    PanelMeeting.members_present.through.objects.bulk_create(
        PanelMeeting.members_present.through(panelmeeting=meeting, moderatorprofile=profile)
        for meeting in meetings
        for profile in world.others
    )


def _moderators(unit: int) -> None:
    users = User.objects.bulk_create(
        User(email=f"moderator-{unit}-{n}@example.org", full_name=f"Moderator {unit} {n}")
        for n in range(5)
    )
    ModeratorProfile.objects.bulk_create(
        ModeratorProfile(user=user, expertise=["practice"]) for user in users
    )


def _emails(unit: int) -> None:
    SentEmail.objects.bulk_create(
        SentEmail(
            template="award_published",
            recipients=[f"lead-{unit}-{n}@agency-{unit}-{n}.gov.uk"],
            subject=f"Your Quality Mark {unit}-{n}",
            body="Your award is on the register.",
            status="sent",
            sent_at=timezone.now(),
        )
        for n in range(20)
    )


def grow(world: World, units: int = 1) -> World:
    """Add `units` units of data to the world."""
    for _ in range(units):
        unit = next(_units)
        agencies = _agencies(unit)
        applications = _applications(unit, world, agencies)
        _moderation(world, applications)
        _decisions_and_awards(unit, world, applications)
        _meetings(world, applications)
        _emails(unit)
        _moderators(unit)
        # Conflicts: agency 7 directly, agency 3 through the partnership it is in.
        world.chair.affiliated_agencies.add(agencies[0], agencies[7])
        world.units += 1
    return world
