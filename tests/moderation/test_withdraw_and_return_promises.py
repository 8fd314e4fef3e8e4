"""What the withdrawal and return pages promise, checked as the people told would see it
(an outside audit found the moderators never told of a withdrawal, its reason nowhere on
staff's page, and a returned application's agency told "the application has changed since
then" when nothing had changed, with Coram's reason nowhere in the portal)."""

import pytest
from django.core import mail
from django.urls import reverse

from applications.models.agencies import Membership
from moderation.services.screening import return_to_agency

from .builders import screened_application, staff_user, submitted_application
from .test_reviewer_pages import client_for

pytestmark = pytest.mark.django_db

REASON = "Our service is merging with a neighbouring agency in the spring."
RETURN_REASON = "Please add your tracking data to question 7."


def _lead(application):
    return Membership.objects.get(agency=application.agency, role="lead").user


def test_the_moderators_and_staff_see_why_an_application_was_withdrawn(
    django_capture_on_commit_callbacks,
):
    application, assignments = screened_application()
    lead = _lead(application)
    form = client_for(lead).get(reverse("agency:withdraw", args=[application.pk]))
    assert "Coram staff and any moderators assigned to it are told" in form.content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead).post(
            reverse("agency:withdraw", args=[application.pk]), {"reason": REASON}
        )
    assert response.status_code == 302

    for assignment in assignments:
        [message] = [m for m in mail.outbox if assignment.moderator.user.email in m.to]
        assert application.reference in message.subject
        assert REASON in message.body and "left your review queue" in message.body

    page = client_for(staff_user()).get(reverse("staff:application", args=[application.pk]))
    text = page.content.decode()
    assert "Withdrawn" in text and REASON in text and lead.get_full_name() in text


def test_a_returned_application_says_coram_returned_it_and_why(
    django_capture_on_commit_callbacks,
):
    application = submitted_application()
    lead = _lead(application)
    member = Membership.objects.create(
        agency=application.agency,
        user=type(lead).objects.create_user(email="member@agency.example", password="x" * 12),
        role="member",
    ).user
    with django_capture_on_commit_callbacks(execute=True):
        return_to_agency(actor=staff_user(), application=application, reason=RETURN_REASON)

    for person in (lead, member):
        text = (
            client_for(person)
            .get(reverse("agency:application", args=[application.pk]))
            .content.decode()
        )
        assert "Coram returned your application on" in text
        assert RETURN_REASON in text
        assert "changed since then" not in text
    declaration = client_for(lead).get(reverse("agency:declaration", args=[application.pk]))
    assert "Coram returned the application to you on" in declaration.content.decode()


def test_an_application_never_returned_says_nothing_of_a_return():
    application = submitted_application()
    text = (
        client_for(_lead(application))
        .get(reverse("agency:application", args=[application.pk]))
        .content.decode()
    )
    assert "returned" not in text.lower()
