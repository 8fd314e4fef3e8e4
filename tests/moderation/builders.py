"""Build applications at each stage of the lifecycle through the real services."""

from datetime import timedelta

from django.utils import timezone

from applications.models.submissions import Application
from applications.services.submissions import start_application
from descriptors.services import ensure_working_framework
from moderation.models.workflow import Assignment, Recommendation
from moderation.ratings import Rating
from moderation.services import reviews as reviews_services
from moderation.services.assignments import assign_moderator
from moderation.services.reviews import declare_conflict, review_for
from moderation.services.screening import accept_for_moderation, record_eligibility, record_fee_paid
from qualitymark.core import demo
from tests.applications.application_data import section_answers
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    ModeratorProfileFactory,
    UserFactory,
    enrol_totp,
)


def staff_user(**kwargs):
    user = UserFactory(is_coram_staff=True, **kwargs)
    enrol_totp(user)
    return user


def moderator(**kwargs):
    profile = ModeratorProfileFactory(**kwargs)
    enrol_totp(profile.user)
    return profile


def chair(**kwargs):
    return moderator(is_chair=True, **kwargs)


def submitted_application(*, agency=None, level="full") -> Application:
    ensure_working_framework()
    agency = agency or AgencyFactory()
    lead = MembershipFactory(agency=agency, role="lead").user
    application = start_application(actor=lead, agency=agency, level_sought=level, kind="new")
    return complete_and_submit(application, lead=lead)


def complete_and_submit(application, *, lead) -> Application:
    """Answer every section, sign the declaration and submit, as the agency's lead."""
    return demo.complete_and_submit(
        application, lead=lead, answers_for=section_answers, name="Pat Lead", role="Head of Service"
    )


def screened_application(*, staff=None, moderators=None, **kwargs) -> tuple[Application, list]:
    """Accepted for moderation with two moderators (lead and second) who have
    declared no conflict."""
    return screen(submitted_application(**kwargs), staff=staff, moderators=moderators)


def screen(application, *, staff=None, moderators=None) -> tuple[Application, list]:
    """Accept a submitted application for moderation, as screened_application does."""
    staff = staff or staff_user()
    record_fee_paid(
        actor=staff, application=application, paid_on=timezone.localdate(), invoice_number="INV-1"
    )
    record_eligibility(actor=staff, application=application, eligible=True)
    moderators = moderators or [moderator(), moderator(expertise=["legal"])]
    assignments = [
        assign_moderator(
            actor=staff,
            application=application,
            moderator=profile,
            role=Assignment.Role.LEAD if index == 0 else Assignment.Role.SECOND,
            due_on=timezone.localdate() + timedelta(days=21),
        )
        for index, profile in enumerate(moderators)
    ]
    application = accept_for_moderation(actor=staff, application=application)
    for assignment in assignments:
        declare_conflict(actor=assignment.moderator.user, assignment=assignment, has_conflict=False)
    return application, assignments


def ratings_for(application, value: str) -> dict:
    return {
        descriptor.pk: {
            "rating": value,
            "strengths": f"Strong practice on {descriptor.code}.",
            "areas_to_develop": f"Develop {descriptor.code} further.",
        }
        for descriptor in application.framework.descriptors.all()
    }


def submit_review(assignment, value: str = Rating.MEETS, recommendation=Recommendation.FULL):
    review = review_for(assignment)
    return reviews_services.submit_review(
        actor=assignment.moderator.user,
        review=review,
        ratings=ratings_for(assignment.application, value),
        recommendation=recommendation,
        summary="A thoughtful, well-evidenced application.",
    )
