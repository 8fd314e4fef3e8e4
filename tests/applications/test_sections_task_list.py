"""The task list, check your answers, the declaration and submitting."""

import re

import pytest
from django.urls import reverse

from applications.models.submissions import SectionAnswer
from applications.services.submissions import save_section, sign_declaration, start_application
from qualitymark.audit.models import AuditEvent
from tests.factories import MembershipFactory

from .application_data import ABOUT, Page, complete_every_section, section_keys

pytestmark = pytest.mark.django_db


def application_url(application):
    return reverse("agency:application", args=[application.pk])


def check_url(application):
    return reverse("agency:check_answers", args=[application.pk])


def status_of(page, key):
    element = next(e for e in page.elements() if page.attr(e, "id") == f"status-{key}")
    return page.text(element)


def sign(application, lead):
    return sign_declaration(
        actor=lead, application=application, name="Pat Lead", role="Head of Service"
    )


# --- The task list --------------------------------------------------------------------------


def test_the_task_list_shows_each_sections_status(lead_client, lead, draft):
    save_section(
        actor=lead,
        application=draft,
        key="about",
        data={"contact_name": "Jo"},
        state="in_progress",
        expected_version=0,
    )
    save_section(
        actor=lead,
        application=draft,
        key="q2",
        data={"narrative": "Done."},
        state="completed",
        expected_version=0,
    )

    page = Page(lead_client.get(application_url(draft)))

    assert status_of(page, "about") == "In progress"
    assert status_of(page, "q2") == "Completed"
    assert status_of(page, "ep-data") == "Not yet started"
    assert status_of(page, "declaration") == "Not yet started"
    assert status_of(page, "submit") == "Cannot start yet"
    assert page.contains("Application incomplete")
    assert page.contains(f"You have completed 1 of {len(section_keys(draft))} sections.")
    # Every section is a link to its page.
    links = {page.attr(element, "href") for element in page.elements() if element.name == "a"}
    for key in section_keys(draft):
        assert reverse("agency:section", args=[draft.pk, key]) in links
    assert page.contains("Fee and invoicing")
    assert page.contains("£750.00")


def test_the_task_list_says_when_the_application_is_ready(lead_client, lead, draft):
    complete_every_section(draft, lead)
    sign(draft, lead)

    page = Page(lead_client.get(application_url(draft)))

    assert page.contains("Application ready to submit")
    assert status_of(page, "declaration") == "Completed"
    assert status_of(page, "submit") == "Not yet started"


# --- The declaration is cleared when the content changes -------------------------------------


def test_a_change_after_signing_clears_the_declaration_and_says_so(
    lead_client, member_client, lead, draft
):
    complete_every_section(draft, lead)
    sign(draft, lead)
    version = SectionAnswer.objects.get(application=draft, key="about").version

    response = member_client.post(
        reverse("agency:section", args=[draft.pk, "about"]),
        {**ABOUT, "contact_name": "Sam Okafor", "version": version, "completed": "yes", "save": ""},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.is_declared
    assert AuditEvent.objects.filter(
        action="application.declaration_cleared", target_id=str(draft.pk)
    ).exists()
    # The person who made the change is told straight away...
    page = Page(member_client.get(response["Location"]))
    assert page.contains("needs to sign it again before it can be submitted")
    # ...and the task list keeps saying so, to everyone, until a lead signs again.
    assert page.contains("The declaration needs to be signed again.")
    assert page.contains("Ask an agency lead to sign it again")
    assert status_of(page, "declaration") == "Sign again"
    lead_page = Page(lead_client.get(application_url(draft)))
    assert lead_page.contains("Sign the declaration again")
    declaration = Page(lead_client.get(reverse("agency:declaration", args=[draft.pk])))
    assert declaration.contains("it needs to be signed again")
    check = Page(lead_client.get(check_url(draft)))
    assert (reverse("agency:declaration", args=[draft.pk]), "Sign the declaration") in (
        check.error_summary()
    )

    sign(draft, lead)
    page = Page(lead_client.get(application_url(draft)))
    assert not page.contains("The declaration needs to be signed again.")


def test_saving_without_changing_anything_keeps_the_declaration(lead_client, lead, draft):
    complete_every_section(draft, lead)
    sign(draft, lead)
    version = SectionAnswer.objects.get(application=draft, key="about").version

    response = lead_client.post(
        reverse("agency:section", args=[draft.pk, "about"]),
        {**ABOUT, "version": version, "completed": "yes", "save": ""},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_declared
    assert not Page(lead_client.get(response["Location"])).contains("sign it again")


# --- Check your answers -----------------------------------------------------------------------


def test_check_answers_links_each_problem_to_where_it_is_put_right(lead_client, lead, draft):
    complete_every_section(draft, lead)
    SectionAnswer.objects.filter(application=draft, key="q4").update(state="in_progress")
    save_section(
        actor=lead,
        application=draft,
        key="q6",
        data={"narrative": "Baby Jayden was placed with his carers at two days old."},
        state="completed",
        expected_version=1,
    )

    page = Page(lead_client.get(check_url(draft)))

    problems = dict((text, href) for href, text in page.error_summary())
    q4 = next(text for text in problems if "Q4" in text)
    assert q4.startswith("Complete the section")
    assert problems[q4] == reverse("agency:section", args=[draft.pk, "q4"])
    identifiers = next(text for text in problems if "identifier" in text)
    assert problems[identifiers] == reverse("agency:identifiers", args=[draft.pk])
    assert problems["Sign the declaration"] == reverse("agency:declaration", args=[draft.pk])
    assert not any(
        element.name == "button" and "Submit application" in page.text(element)
        for element in page.elements()
    )


def test_check_answers_shows_every_answer_with_a_change_link(lead_client, lead, draft):
    complete_every_section(draft, lead)
    sign(draft, lead)

    page = Page(lead_client.get(check_url(draft)))

    assert page.error_summary() == []
    cards = page.with_class("govuk-summary-card")
    assert len(cards) == len(section_keys(draft))
    links = {page.attr(element, "href") for element in page.elements() if element.name == "a"}
    for key in section_keys(draft):
        assert reverse("agency:section", args=[draft.pk, key]) in links
    assert page.contains(ABOUT["contact_name"])
    assert page.contains("Main contact's full name")
    assert page.contains("Signed by Pat Lead, Head of Service")
    assert page.contains("£750.00")
    assert any(
        element.name == "button" and "Submit application" in page.text(element)
        for element in page.elements()
    )


def test_submitting_with_problems_shows_them_and_submits_nothing(lead_client, lead, draft):
    complete_every_section(draft, lead)

    response = lead_client.post(check_url(draft))

    assert response.status_code == 200
    assert ("Sign the declaration") in [text for _, text in Page(response).error_summary()]
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.reference is None


# --- Submitting -------------------------------------------------------------------------------


def test_submitting_locks_the_application_numbers_it_and_emails_everyone(
    lead_client, lead, member, draft, django_capture_on_commit_callbacks, mailoutbox, settings
):
    complete_every_section(draft, lead)
    sign(draft, lead)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = lead_client.post(check_url(draft))
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert draft.is_locked
    assert re.fullmatch(r"EPQM-\d{4}-0001", draft.reference)
    assert draft.submitted_at is not None
    assert draft.fee_pence == 75_000

    confirmation = Page(lead_client.get(response["Location"]))
    assert confirmation.contains("Application submitted")
    assert confirmation.contains(draft.reference)
    assert confirmation.with_class("govuk-panel--confirmation")

    to_agency = [message for message in mailoutbox if settings.CORAM_STAFF_INBOX not in message.to]
    to_staff = [message for message in mailoutbox if settings.CORAM_STAFF_INBOX in message.to]
    assert {address for message in to_agency for address in message.to} == {
        lead.email,
        member.email,
    }
    assert draft.reference in to_agency[0].subject
    assert draft.reference in to_staff[0].subject
    assert "£750.00" in to_agency[0].body


def test_references_count_up_across_agencies(lead, draft, framework):
    from applications.services.submissions import submit_application

    complete_every_section(draft, lead)
    sign(draft, lead)
    first = submit_application(actor=lead, application=draft)

    other_lead = MembershipFactory(role="lead").user
    other = start_application(
        actor=other_lead,
        agency=other_lead.memberships.get().agency,
        level_sought="working_towards",
        kind="new",
    )
    complete_every_section(other, other_lead)
    sign(other, other_lead)
    second = submit_application(actor=other_lead, application=other)

    year, number = first.reference.split("-")[1:]
    assert second.reference == f"EPQM-{year}-{int(number) + 1:04d}"
