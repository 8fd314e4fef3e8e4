"""An accessibility smoke check of the applicant's key pages, with JavaScript on:
one h1, a label for every field, a skip link that moves focus to the content, and
nothing refused by the Content Security Policy. Not a substitute for an audit."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.selectors.submissions import application_overview
from applications.services.submissions import sign_declaration, start_application
from descriptors.services import ensure_working_framework
from tests.applications.application_data import section_answers
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def complete_and_submit(application, lead):
    """Finish the application through the ordinary pages, without a browser."""
    client = Client()
    client.force_login(lead)
    for row in application_overview(application).rows:
        response = client.post(
            reverse("agency:section", args=[application.pk, row.key]),
            {
                **section_answers(row.key),
                "version": row.version,
                "completed": "yes",
                "save": "Save",
            },
        )
        assert response.status_code == 302, row.key
    sign_declaration(actor=lead, application=application, name="Pat Lead", role="Head of Service")
    response = client.post(reverse("agency:check_answers", args=[application.pk]))
    assert response["Location"] == reverse("agency:submitted", args=[application.pk])


def test_key_applicant_pages_pass_the_smoke_check(page, sign_in, checks):
    ensure_working_framework()
    lead = MembershipFactory(role="lead").user
    application = start_application(
        actor=lead, agency=lead.memberships.get().agency, level_sought="full", kind="new"
    )
    sign_in(page, lead)

    page.goto(reverse("agency:application", args=[application.pk]))
    assert page.locator(".govuk-task-list").count() > 0
    checks.accessible_basics(page)

    page.goto(reverse("agency:section", args=[application.pk, "about"]))
    # The enhancements have started: their additions must pass the check too.
    page.locator("[data-qm-autosave-status]").wait_for(state="attached")
    assert page.locator(".qm-word-count").count() == 1
    checks.accessible_basics(page)

    complete_and_submit(application, lead)
    page.goto(reverse("agency:submitted", args=[application.pk]))
    assert page.locator(".govuk-panel--confirmation").is_visible()
    checks.accessible_basics(page)
    checks.no_script_failures(page)
