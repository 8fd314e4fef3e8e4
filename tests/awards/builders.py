"""Reach decided applications and awards through the real services."""

from django.utils import timezone

from applications import services as application_services
from applications.models import Agency, Application, Membership, SectionAnswer
from applications.selectors import application_overview
from descriptors.services import ensure_working_framework
from moderation import services
from moderation.models import Award, Recommendation
from tests.applications.application_data import section_answers
from tests.factories import AgencyFactory, MembershipFactory
from tests.moderation.builders import (
    chair,
    moderator,
    ratings_for,
    screened_application,
    staff_user,
    submit_review,
)

# Rating 2 is "Meets" on every descriptor: the suggested outcome is Full.
MEETS = 2


def _lead_of(agency: Agency):
    membership = Membership.objects.filter(agency=agency, role="lead", is_active=True).first()
    return membership.user if membership else MembershipFactory(agency=agency, role="lead").user


def submitted_application_of_kind(*, agency: Agency, kind: str, level: str) -> Application:
    """Like tests.moderation.builders.submitted_application, for a renewal or upgrade."""
    ensure_working_framework()
    lead = _lead_of(agency)
    application = application_services.start_application(
        actor=lead, agency=agency, level_sought=level, kind=kind
    )
    for row in application_overview(application).rows:
        form = row.section.form_class(
            {**section_answers(row.key), "version": 0, "completed": "yes"},
            application=application,
            **({"descriptor": row.section.descriptor} if row.section.descriptor else {}),
        )
        assert form.is_valid(), (row.key, form.errors)
        application_services.save_section(
            actor=lead,
            application=application,
            key=row.key,
            data=form.answer_data(),
            state=SectionAnswer.State.COMPLETED,
            expected_version=0,
        )
    application_services.sign_declaration(
        actor=lead, application=application, name="Pat Lead", role="Head of Service"
    )
    return application_services.submit_application(actor=lead, application=application)


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
            application, assignments = _screen(application, self.staff)
        for assignment in assignments:
            submit_review(assignment, value=MEETS)
        application.refresh_from_db()
        meeting = services.create_meeting(
            actor=self.staff, held_on=timezone.localdate(), chair=self.chair
        )
        services.set_meeting_details(
            actor=self.staff, meeting=meeting, members_present=self.members, agenda=[application]
        )
        return services.record_decision(
            actor=self.chair.user,
            application=application,
            meeting=meeting,
            outcome=outcome,
            rationale="The panel's reasons.",
            feedback=ratings_for(application, MEETS),
            departure_reason="The panel weighed the evidence differently.",
        )

    def correct(self, decision, *, outcome: str, reason: str = "Recorded the wrong outcome."):
        return services.correct_decision(
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
        return services.publish_award(actor=self.staff, award=award)


def _screen(application, staff):
    from datetime import timedelta

    from moderation.models import Assignment

    services.record_fee_paid(
        actor=staff, application=application, paid_on=timezone.localdate(), invoice_number="INV-2"
    )
    services.record_eligibility(actor=staff, application=application, eligible=True)
    assignments = [
        services.assign_moderator(
            actor=staff,
            application=application,
            moderator=profile,
            role=Assignment.Role.LEAD if index == 0 else Assignment.Role.SECOND,
            due_on=timezone.localdate() + timedelta(days=21),
        )
        for index, profile in enumerate([moderator(), moderator(expertise=["legal"])])
    ]
    application = services.accept_for_moderation(actor=staff, application=application)
    for assignment in assignments:
        services.declare_conflict(
            actor=assignment.moderator.user, assignment=assignment, has_conflict=False
        )
    return application, assignments
