"""Reach decided applications and awards through the real services."""

from django.utils import timezone

from applications.models.agencies import Agency, Membership
from applications.models.submissions import Application
from applications.services.submissions import start_application
from descriptors.services import ensure_working_framework
from moderation.models.awards import Award
from moderation.models.workflow import Recommendation
from moderation.ratings import Rating
from moderation.services.awards import publish_award
from moderation.services.panel import (
    correct_decision,
    create_meeting,
    record_decision,
    set_meeting_details,
)
from tests.factories import AgencyFactory, MembershipFactory
from tests.moderation.builders import (
    chair,
    complete_and_submit,
    moderator,
    ratings_for,
    screen,
    screened_application,
    staff_user,
    submit_review,
)

# Rating 2 is "Meets" on every descriptor: the suggested outcome is Full.
MEETS = Rating.MEETS


def _lead_of(agency: Agency):
    membership = Membership.objects.filter(agency=agency, role="lead", is_active=True).first()
    return membership.user if membership else MembershipFactory(agency=agency, role="lead").user


def submitted_application_of_kind(*, agency: Agency, kind: str, level: str) -> Application:
    """Like tests.moderation.builders.submitted_application, for a renewal or upgrade."""
    ensure_working_framework()
    lead = _lead_of(agency)
    application = start_application(actor=lead, agency=agency, level_sought=level, kind=kind)
    return complete_and_submit(application, lead=lead)


class Panel:
    """A quorate panel (a chair and two moderators) and a member of Coram staff."""

    def __init__(self):
        self.staff = staff_user()
        self.chair = chair()
        self.members = [self.chair, moderator(), moderator()]

    def decide(
        self,
        *,
        agency: Agency | None = None,
        outcome: str = Recommendation.FULL,
        kind: str = "new",
        level: str = "full",
    ):
        """Take an application from submission to decision; returns the decision."""
        agency = agency or AgencyFactory()
        if kind == "new":
            application, assignments = screened_application(
                agency=agency, level=level, staff=self.staff
            )
        else:
            application = submitted_application_of_kind(agency=agency, kind=kind, level=level)
            application, assignments = screen(application, staff=self.staff)
        for assignment in assignments:
            submit_review(assignment, value=MEETS)
        application.refresh_from_db()
        meeting = create_meeting(actor=self.staff, held_on=timezone.localdate(), chair=self.chair)
        set_meeting_details(
            actor=self.staff, meeting=meeting, members_present=self.members, agenda=[application]
        )
        return record_decision(
            actor=self.chair.user,
            application=application,
            meeting=meeting,
            outcome=outcome,
            rationale="The panel's reasons.",
            feedback=ratings_for(application, MEETS),
            departure_reason="The panel weighed the evidence differently.",
        )

    def correct(self, decision, *, outcome: str, reason: str = "Recorded the wrong outcome."):
        return correct_decision(
            actor=self.chair.user,
            decision=decision,
            outcome=outcome,
            rationale="Corrected.",
            feedback=ratings_for(decision.application, MEETS),
            correction_reason=reason,
            departure_reason="The panel weighed the evidence differently.",
        )

    def award(self, **kwargs) -> Award:
        return self.decide(**kwargs).award

    def published_award(self, **kwargs) -> Award:
        award = self.award(**kwargs)
        return publish_award(actor=self.staff, award=award)
