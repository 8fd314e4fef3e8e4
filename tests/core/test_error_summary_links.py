"""Every link in a GOV.UK error summary goes to an element on the page."""

import re

import pytest
from django.urls import reverse

from tests.applications.application_data import section_answers
from tests.moderation.builders import screened_application, staff_user, submitted_application

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="#([^"]+)">')


def assert_links_land(html: str):
    summary = html[html.index('class="govuk-error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    targets = LINK.findall(summary)
    assert targets, "the error summary has no links"
    for target in targets:
        assert f'id="{target}"' in html, f"#{target} is not on the page"


def test_section_page_radios_and_text(client):
    application = submitted_application()
    from moderation.services.screening import return_to_agency

    return_to_agency(actor=staff_user(), application=application, reason="Add data.")
    lead = application.agency.memberships.get(role="lead").user
    client.force_login(lead)
    url = reverse("agency:section", args=[application.pk, "about"])
    data = {**section_answers("about"), "contact_email": "not an e-mail", "version": 1}
    html = client.post(url, {**data, "save": "Save"}).content.decode()
    assert_links_land(html)
    assert "#id_completed_1" in html


def test_start_page(client):
    application = submitted_application()
    lead = application.agency.memberships.get(role="lead").user
    from applications.services.submissions import withdraw_application

    withdraw_application(actor=lead, application=application, reason="Start again.")
    client.force_login(lead)
    html = client.post(
        reverse("agency:application_start", args=[application.agency.slug]), {}
    ).content.decode()
    assert_links_land(html)


def test_moderator_declaration_page(client):
    application, assignments = screened_application()
    assignment = assignments[0]
    assignment.declared_at = None
    from moderation.models.workflow import Assignment

    Assignment.objects.filter(pk=assignment.pk).update(declared_at=None)
    client.force_login(assignment.moderator.user)
    html = client.post(reverse("moderation:declare", args=[application.pk]), {}).content.decode()
    assert_links_land(html)
