"""A lead completes and submits an application through the pages."""

import pytest
from django.urls import reverse

from applications.models.submissions import Application, SectionAnswer
from qualitymark.audit.models import AuditEvent
from qualitymark.notifications.models import SentEmail

from .application_data import section_answers

pytestmark = pytest.mark.django_db


def start(client, agency, **data):
    return client.post(
        reverse("agency:application_start", args=[agency.slug]),
        {"kind": "new", "level_sought": "full", **data},
    )


def complete_section(client, application, key):
    url = reverse("agency:section", args=[application.pk, key])
    version = (
        SectionAnswer.objects.filter(application=application, key=key)
        .values_list("version", flat=True)
        .first()
        or 0
    )
    return client.post(
        url, {**section_answers(key), "version": version, "completed": "yes", "save": "Save"}
    )


def test_a_lead_completes_and_submits_an_application(
    lead_client, agency, django_capture_on_commit_callbacks, mailoutbox, settings
):
    response = start(lead_client, agency)
    application = Application.objects.get(agency=agency)
    assert response.status_code == 302
    assert response["Location"] == reverse("agency:application", args=[application.pk])

    task_list = lead_client.get(response["Location"]).content.decode()
    assert "Not yet started" in task_list
    assert "Q1:" in task_list and "Q7:" in task_list

    keys = ["about", "ep-data", *[f"q{n}" for n in range(1, 8)], "fee"]
    for key in keys:
        saved = complete_section(lead_client, application, key)
        assert saved.status_code == 302, (key, saved.content.decode()[:3000])
    assert set(
        SectionAnswer.objects.filter(application=application).values_list("state", flat=True)
    ) == {"completed"}

    declared = lead_client.post(
        reverse("agency:declaration", args=[application.pk]),
        {
            "name": "Pat Lead",
            "role": "Head of Service",
            "confirm_accurate": "on",
            "confirm_anonymous": "on",
        },
    )
    assert declared.status_code == 302

    check = lead_client.get(reverse("agency:check_answers", args=[application.pk]))
    assert "Before you can submit" not in check.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        submitted = lead_client.post(reverse("agency:check_answers", args=[application.pk]))
    assert submitted.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.reference.startswith("EPQM-")
    assert application.fee_pence == 75_000
    confirmation = lead_client.get(submitted["Location"]).content.decode()
    assert application.reference in confirmation
    assert "What happens next" in confirmation

    recipients = {address for message in mailoutbox for address in message.to}
    assert settings.CORAM_STAFF_INBOX in recipients
    assert agency.memberships.first().user.email in recipients
    assert SentEmail.objects.filter(template="application_submitted").exists()
    assert AuditEvent.objects.filter(
        action="application.submit", target_id=str(application.pk)
    ).exists()

    # Locked: the section page now sends the lead back to the read-only view.
    locked = lead_client.get(reverse("agency:section", args=[application.pk, "q1"]))
    assert locked.status_code == 302
