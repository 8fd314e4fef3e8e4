"""Subject access and erasure, end to end through the staff pages."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from applications.models.agencies import Invitation
from applications.models.submissions import Application
from qualitymark.audit.models import AuditEvent, AuditEventPersonal
from qualitymark.audit.services import record_event
from qualitymark.notifications.models import SentEmail
from qualitymark.notifications.services import notify
from qualitymark.users.models import User
from tests.factories import PASSWORD, UserFactory
from tests.moderation.builders import staff_user, submitted_application

from .support import T0, after, token_hash

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = staff_user()
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.fixture
def lead(framework):
    """An agency lead who submitted an application, was e-mailed, failed a sign-in
    and has an authenticator app."""
    application = submitted_application()
    lead = application.created_by
    from tests.factories import enrol_totp

    enrol_totp(lead)
    record_event(
        actor=None, action="auth.sign_in_failed", typed_email=lead.email, ip_address="198.51.100.9"
    )
    Invitation.objects.create(
        email=lead.email,
        role="moderator",
        token_hash=token_hash(),
        created_at=T0,
        sent_at=T0,
        expires_at=after(T0, 0, days=14),
    )
    notify(template="review_ready", to=[lead.email], context={}, dedupe_key="lead-mail")
    about = application.answers.exclude(data={}).first()
    about.data = {**about.data, "contact_name": lead.full_name, "contact_email": lead.email}
    about.save(update_fields=["data"])
    return lead


def test_subject_access_summary_and_json_cover_every_record_and_are_audited(staff_client, lead):
    summary = staff_client.get(reverse("staff:person_data", args=[lead.pk]))
    assert summary.status_code == 200
    page = summary.content.decode()
    application = Application.objects.get(created_by=lead)
    assert application.reference in page and lead.email in page

    response = staff_client.get(reverse("staff:person_data_json", args=[lead.pk]))
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    sections = {s["title"]: s["records"] for s in document["sections"]}
    assert sections["Account"][0]["email"] == lead.email
    assert sections["Agency memberships"][0]["role"] == "lead"
    assert [r["reference"] for r in sections["Applications started"]] == [application.reference]
    assert sections["Declarations signed"][0]["declaration_name"]
    assert {r["type"] for r in sections["Second factors (type and dates only)"]} >= {"totp"}
    assert "secret" not in json.dumps(sections["Second factors (type and dates only)"])
    assert sections["Invitations to this person"][0]["role"] == "moderator"
    assert sections["Failed sign-ins with this person's address"][0]["ip_address"] == (
        "198.51.100.9"
    )
    assert any(r["template"] == "review_ready" for r in sections["E-mails sent to this person"])
    assert any(
        r["action"] == "application.submitted" or r["action"].startswith("application")
        for r in sections["Audit trail: what this person did"]
    )
    assert "password" not in json.dumps(sections["Account"])

    exports = AuditEvent.objects.filter(action="person.subject_access", target_id=str(lead.pk))
    assert sorted(e.changes["form"] for e in exports) == ["json", "summary"]
    assert {e.actor for e in exports} == {staff_client.staff}


def test_people_other_than_staff_cannot_see_anyone_s_data(client, lead):
    client.force_login(lead)
    assert client.get(reverse("staff:person_data", args=[lead.pk])).status_code == 404
    assert client.get(reverse("staff:person_erase", args=[lead.pk])).status_code == 404


def test_erasure_says_what_stays_then_replaces_the_person_and_keeps_the_trail(staff_client, lead):
    application = Application.objects.get(created_by=lead)
    old_email, old_name = lead.email, lead.full_name
    events_before = list(AuditEvent.objects.order_by("pk").values())
    url = reverse("staff:person_erase", args=[lead.pk])
    their_browser = Client()
    their_browser.force_login(lead)
    signed_in = their_browser.get(reverse("core:dashboard"))
    assert not signed_in["Location"].startswith(reverse("account_login"))

    confirm = staff_client.get(url).content.decode()
    assert "What cannot be erased, and why" in confirm
    assert "The audit trail cannot be changed" in confirm
    assert "Answers in their agencies&#x27; applications that contain the name" in confirm

    refused = staff_client.post(url, {"reason": "Request of 1 March"})
    assert refused.status_code == 200 and User.objects.get(pk=lead.pk).email == old_email

    done = staff_client.post(url, {"reason": "Request of 1 March", "confirm": "on"})
    assert done.status_code == 302

    lead.refresh_from_db()
    assert lead.full_name == f"Erased person {lead.pk}"
    assert lead.email == f"erased-{lead.pk}@erased.invalid"
    assert not lead.is_active and not lead.has_usable_password()
    assert not Authenticator.objects.filter(user=lead).exists()
    assert not EmailAddress.objects.filter(user=lead).exists()
    assert not lead.memberships.filter(is_active=True).exists()
    # The application keeps its history, attached to the renamed account.
    application.refresh_from_db()
    assert application.created_by == lead and application.status == "submitted"
    assert application.declaration_name == lead.full_name
    # No trace of the old name or address in what could be rewritten.
    assert not Invitation.objects.filter(email__iexact=old_email).exists()
    assert not [sent for sent in SentEmail.objects.all() if old_email in sent.recipients]
    assert not AuditEventPersonal.objects.filter(actor_email__iexact=old_email).exists()
    assert not AuditEventPersonal.objects.filter(typed_email__iexact=old_email).exists()
    answers_text = json.dumps(list(application.answers.values_list("data", flat=True)))
    assert old_email not in answers_text and old_name not in answers_text
    assert lead.email in answers_text and lead.full_name in answers_text
    # Every event written before is exactly as it was: the chain is untouched.
    assert (
        list(AuditEvent.objects.filter(pk__lte=events_before[-1]["id"]).order_by("pk").values())
        == events_before
    )
    erased = AuditEvent.objects.get(action="person.erased")
    assert erased.target_id == str(lead.pk) and old_email not in json.dumps(erased.changes)
    assert old_name not in erased.target_repr

    signed_out = their_browser.get(reverse("core:dashboard"))
    assert signed_out["Location"].startswith(reverse("account_login"))
    assert not staff_client.login(email=old_email, password=PASSWORD)
    assert not staff_client.login(email=lead.email, password=PASSWORD)


def test_staff_cannot_erase_themselves(staff_client):
    url = reverse("staff:person_erase", args=[staff_client.staff.pk])
    response = staff_client.post(url, {"reason": "Testing", "confirm": "on"})
    assert response.status_code == 200
    assert "You cannot erase your own account" in response.content.decode()
    assert User.objects.get(pk=staff_client.staff.pk).is_active


def test_a_person_with_nothing_but_an_account_gets_a_complete_empty_export(staff_client):
    person = UserFactory()
    document = staff_client.get(reverse("staff:person_data_json", args=[person.pk])).json()
    counts = {s["title"]: len(s["records"]) for s in document["sections"]}
    assert counts["Account"] == 1 and counts["E-mail addresses"] == 1
    # ...and the export itself, recorded in the audit trail against the person.
    assert counts["Audit trail: changes to this person's account"] == 1
    assert sum(counts.values()) == 3


def test_erasure_leaves_another_agency_s_text_naming_someone_of_the_same_name(staff_client, lead):
    other = submitted_application()
    answer = other.answers.exclude(data={}).first()
    answer.data = {**answer.data, "contact_name": lead.full_name}
    answer.save(update_fields=["data"])

    name_before = answer.data["contact_name"]
    staff_client.post(
        reverse("staff:person_erase", args=[lead.pk]), {"reason": "Request", "confirm": "on"}
    )

    answer.refresh_from_db()
    assert User.objects.get(pk=lead.pk).full_name == f"Erased person {lead.pk}"
    assert answer.data["contact_name"] == name_before
