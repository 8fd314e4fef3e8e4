"""Every certificate download, by the agency or by staff, is in the audit trail."""

import pytest
from django.urls import reverse

from moderation.services.certificates import generate_certificate
from qualitymark.audit.models import AuditEvent
from tests.factories import MembershipFactory


@pytest.mark.django_db
def test_certificate_downloads_are_audited(client, panel):
    award = panel.award()
    generate_certificate(award_id=award.pk)
    member = MembershipFactory(agency=award.agency).user

    client.force_login(member)
    client.get(reverse("agency:award_certificate", args=[award.agency.slug, award.pk]))
    client.force_login(panel.staff)
    client.get(reverse("staff:award_certificate", args=[award.pk, 1]))
    client.get(reverse("staff:award_certificate", args=[award.pk, 2]))  # not found: not audited

    downloads = AuditEvent.objects.filter(action="certificate.downloaded").order_by("position")
    assert [(e.actor, e.target_id, e.changes) for e in downloads] == [
        (member, str(award.pk), {"version": 1}),
        (panel.staff, str(award.pk), {"version": 1}),
    ]
