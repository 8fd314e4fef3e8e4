"""Coram staff assign, reassign and remove moderators through the pages;
conflicted moderators are flagged and cannot be assigned."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from lxml import html as lxml_html

from moderation.models.workflow import Assignment
from moderation.services.assignments import assign_moderator, default_due_date, remove_assignment
from moderation.views import assignments as assignment_views
from qualitymark.audit.models import AuditEvent
from tests.factories import UserFactory

from .builders import moderator, screened_application
from .pages import date_fields, errors, text_of, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def assign_data(profile, role="lead", due_on=None) -> dict:
    return {
        "moderator": profile.pk,
        "role": role,
        **date_fields("due_on", due_on or TODAY() + timedelta(days=21)),
    }


# --- Assigning ---------------------------------------------------------------------------------


def test_staff_assign_a_lead_and_a_second_and_each_is_told_after_commit(
    staff_client, application, staff, django_capture_on_commit_callbacks
):
    lead, second = moderator(), moderator(expertise=["legal"])
    due = TODAY() + timedelta(days=30)

    page = text_of(staff_client.get(url("assign", application)))
    assert lead.user.get_full_name() in page and second.user.get_full_name() in page

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(url("assign", application), assign_data(lead, "lead", due))
    assert response.status_code == 302
    assert response["Location"] == url("application", application)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[lead.user.email]]
    assert application.reference in mail.outbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url("assign", application), assign_data(second, "second"))
    assert mail.outbox[-1].to == [second.user.email]

    assignments = {a.moderator: a for a in Assignment.objects.filter(application=application)}
    assert assignments[lead].role == "lead" and assignments[lead].due_on == due
    assert assignments[second].role == "second"
    assert assignments[lead].assigned_by == staff
    events = AuditEvent.objects.filter(action="assignment.created").order_by("id")
    assert [event.changes["moderator"] for event in events] == [lead.user.email, second.user.email]


def test_the_assign_page_defaults_the_due_date_and_the_role(staff_client, application, staff):
    candidate = moderator()
    tree = lxml_html.fromstring(
        staff_client.get(url("assign", application), {"moderator": candidate.pk}).content
    )
    default = default_due_date()
    assert tree.xpath("//input[@name='due_on_0']/@value") == [str(default.day)]
    assert tree.xpath("//input[@name='due_on_2']/@value") == [str(default.year)]
    assert tree.xpath("//input[@name='role'][@checked]/@value") == ["lead"]
    assert tree.xpath("//input[@name='moderator'][@checked]/@value") == [str(candidate.pk)]

    assign_moderator(actor=staff, application=application, moderator=candidate, role="lead")
    tree = lxml_html.fromstring(staff_client.get(url("assign", application)).content)
    assert tree.xpath("//input[@name='role'][@checked]/@value") == ["second"]


def test_a_conflicted_moderator_is_flagged_and_cannot_be_assigned(staff_client, application):
    conflicted = moderator()
    conflicted.affiliated_agencies.add(application.agency)
    name = conflicted.user.get_full_name()

    page = lxml_html.fromstring(staff_client.get(url("application", application)).content)
    row = next(
        row for row in page.xpath("//*[@id='candidates']//tbody/tr") if name in row.text_content()
    )
    text = " ".join(row.text_content().split())
    assert "Conflicted" in text
    assert f"Declared a link with {application.agency.name}" in text
    assert "Cannot be assigned" in text
    assert not row.xpath(".//a")  # nothing to click
    suggested = " ".join(page.xpath("string(//*[@id='suggestion'])").split())
    assert name not in suggested

    assign_page = text_of(staff_client.get(url("assign", application)))
    assert f"{name} (conflict of interest)" in assign_page

    response = staff_client.post(url("assign", application), assign_data(conflicted))
    summary, beside = errors(response)
    message = (
        f"{name} cannot review this application: Declared a link with {application.agency.name}"
    )
    assert summary == [message]
    assert beside["moderator"] == [message]
    assert not Assignment.objects.filter(application=application).exists()


def test_conflicts_found_by_email_domain_and_region_are_shown(staff_client, application):
    agency = application.agency
    same_domain = moderator(user=UserFactory(email=f"reviewer@{agency.email_domain}"))
    same_region = moderator(affiliated_regions=[agency.region])

    page = " ".join(
        lxml_html.fromstring(staff_client.get(url("application", application)).content)
        .text_content()
        .split()
    )
    assert f"Shares the e-mail domain {agency.email_domain} with the agency" in page
    assert f"Declared working in {agency.get_region_display()}" in page

    for profile in (same_domain, same_region):
        summary, _ = errors(
            staff_client.post(url("assign", application), assign_data(profile, "second"))
        )
        assert summary and "cannot review this application" in summary[0]
    assert not Assignment.objects.exists()


def test_the_assign_form_shows_what_is_wrong(staff_client, application, staff):
    response = staff_client.post(url("assign", application), {})
    summary, beside = errors(response)
    assert summary == [
        "Choose a moderator",
        "Choose the moderator's role",
        "Enter the date the review is due",
    ]
    assert beside["moderator"] == ["Choose a moderator"]
    assert beside["due_on"] == ["Enter the date the review is due"]

    profile = moderator()
    past = TODAY() - timedelta(days=1)
    summary, beside = errors(
        staff_client.post(url("assign", application), assign_data(profile, due_on=past))
    )
    assert summary == ["The due date must be today or in the future"]
    assert beside["due_on"] == summary

    response = staff_client.post(
        url("assign", application), {**assign_data(profile), "due_on_1": "13"}
    )
    assert "Enter a real date, for example 1 4 2026" in errors(response)[0]

    summary, _ = errors(
        staff_client.post(url("assign", application), {**assign_data(profile), "moderator": 0})
    )
    assert summary == ["Choose a moderator from the list"]
    assert not Assignment.objects.exists()


def test_there_is_only_one_lead_and_nobody_is_assigned_twice(staff_client, application, staff):
    lead, other = moderator(), moderator()
    assign_moderator(actor=staff, application=application, moderator=lead, role="lead")

    summary, beside = errors(
        staff_client.post(url("assign", application), assign_data(other, "lead"))
    )
    assert summary == [
        f"{lead.user.get_full_name()} is already the lead moderator. "
        "Assign this moderator as second, or remove the lead first"
    ]
    assert beside["role"] == summary

    summary, _ = errors(staff_client.post(url("assign", application), assign_data(lead, "second")))
    assert summary == [f"{lead.user.get_full_name()} is already assigned to this application"]
    assert Assignment.objects.count() == 1


def test_a_service_refusal_is_shown_on_the_form(staff_client, application, staff, monkeypatch):
    """A refusal the form could not foresee (e.g. the moderator was deactivated
    while the page was open) still reaches the error summary."""
    profile = moderator()
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError("This moderator is not active.")

    monkeypatch.setattr(assignment_views, "assign_moderator", refuse)
    summary, _ = errors(staff_client.post(url("assign", application), assign_data(profile)))
    assert summary == ["This moderator is not active."]


def test_moderators_are_no_longer_changed_once_the_application_is_at_panel(staff, staff_client):
    from .builders import submit_review

    application, assignments = screened_application(staff=staff)
    for assignment in assignments:
        submit_review(assignment)
    application.refresh_from_db()
    assert application.status == "panel"
    for name, args in (
        ("assign", ()),
        ("assignment", (assignments[0].pk,)),
        ("assignment_remove", (assignments[0].pk,)),
    ):
        response = staff_client.post(url(name, application, *args), {"reason": "x"})
        assert response.status_code == 302
        assert response["Location"] == url("application", application)
    assert Assignment.objects.filter(removed_at__isnull=True).count() == 2
    page = staff_client.get(url("application", application)).content.decode()
    assert url("assign", application) not in page


# --- Changing and removing -----------------------------------------------------------------


def test_staff_change_a_due_date(staff_client, staff):
    application, assignments = screened_application(staff=staff)
    assignment = assignments[1]
    new_due = TODAY() + timedelta(days=45)

    page = text_of(staff_client.get(url("assignment", application, assignment.pk)))
    assert assignment.moderator.user.get_full_name() in page

    response = staff_client.post(
        url("assignment", application, assignment.pk), date_fields("due_on", new_due)
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_on == new_due
    event = AuditEvent.objects.get(action="assignment.due_date_changed")
    assert event.actor == staff
    assert event.changes["due_on"][1] == new_due.isoformat()


def test_a_due_date_in_the_past_is_refused(staff_client, staff):
    application, assignments = screened_application(staff=staff)
    before = assignments[0].due_on
    response = staff_client.post(
        url("assignment", application, assignments[0].pk),
        date_fields("due_on", TODAY() - timedelta(days=2)),
    )
    summary, beside = errors(response)
    assert summary == ["The due date must be today or in the future"]
    assert beside["due_on"] == summary
    assignments[0].refresh_from_db()
    assert assignments[0].due_on == before


def test_staff_remove_a_moderator_with_a_reason_and_they_are_told(
    staff_client, staff, django_capture_on_commit_callbacks
):
    application, assignments = screened_application(staff=staff)
    leaving = assignments[1]
    mail.outbox.clear()

    summary, beside = errors(
        staff_client.post(url("assignment_remove", application, leaving.pk), {"reason": ""})
    )
    assert summary == ["Enter why the moderator is being removed"]
    assert beside["reason"] == summary

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url("assignment_remove", application, leaving.pk),
            {"reason": "On leave until the spring."},
        )
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert leaving.removed_at is not None
    assert leaving.removal_reason == "On leave until the spring."
    assert AuditEvent.objects.get(action="assignment.removed").actor == staff
    assert [message.to for message in mail.outbox] == [[leaving.moderator.user.email]]
    assert "On leave until the spring." in mail.outbox[0].body

    page = staff_client.get(url("application", application)).content.decode()
    assert "Moderators taken off this application (1)" in page
    assert "On leave until the spring." in page
    # A removed assignment can no longer be changed or removed again.
    assert staff_client.get(url("assignment", application, leaving.pk)).status_code == 404
    assert staff_client.get(url("assignment_remove", application, leaving.pk)).status_code == 404


def test_after_removing_a_moderator_the_suggestion_offers_a_replacement(staff_client, staff):
    application, assignments = screened_application(staff=staff)
    replacement = moderator()
    remove_assignment(actor=staff, assignment=assignments[0], reason="Unwell.")

    tree = lxml_html.fromstring(staff_client.get(url("application", application)).content)
    suggestion = " ".join(tree.xpath("string(//*[@id='suggestion'])").split())
    assert replacement.user.get_full_name() in suggestion
    assert "Assign as lead" in suggestion  # the lead was removed

    response = staff_client.post(
        url("assign", application),
        {
            "moderator": replacement.pk,
            "role": "lead",
            **date_fields("due_on", default_due_date()),
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.get(
        application=application, removed_at__isnull=True, role="lead"
    ).moderator == (replacement)


def test_an_assignment_of_another_application_is_not_found(staff_client, staff):
    application, _ = screened_application(staff=staff)
    _, others = screened_application(staff=staff)
    assert staff_client.get(url("assignment", application, others[0].pk)).status_code == 404
    assert staff_client.get(url("assignment_remove", application, others[0].pk)).status_code == (
        404
    )
