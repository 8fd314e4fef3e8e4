"""After an erasure and a retention run, the audit trail still verifies
(`manage.py verify_audit`): personal details live beside the chained events."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from qualitymark.audit.models import AuditEventPersonal
from qualitymark.audit.services import record_event
from qualitymark.governance.services import run_retention
from tests.moderation.builders import staff_user, submitted_application

from .support import after, at

pytestmark = pytest.mark.django_db


def test_verify_audit_passes_after_erasure_and_retention(client, framework, capsys):
    lead = submitted_application().created_by
    old_email = lead.email
    record_event(
        actor=None, action="auth.sign_in_failed", ip_address="203.0.113.5", typed_email=lead.email
    )
    staff = staff_user()
    client.force_login(staff)
    response = client.post(
        reverse("staff:person_erase", args=[lead.pk]),
        {"reason": "Request received", "confirm": "on"},
    )
    assert response.status_code == 302
    # The chain only moves forward in time: run the job a year and a day from now.
    with at(after(timezone.now(), 12, days=1)):
        run_retention(dry_run=False)
    assert not AuditEventPersonal.objects.filter(typed_email__iexact=old_email).exists()
    assert not AuditEventPersonal.objects.filter(ip_address__isnull=False).exists()

    call_command("verify_audit")
    assert "The audit trail is intact" in capsys.readouterr().out
