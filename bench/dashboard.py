"""Benchmark: the staff dashboard with 2,000 applications.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualitymark .venv/bin/python bench/dashboard.py

Builds 2,000 applications spread over the statuses (with the audit events that
date their status, and two assignments each once screened) in a throw-away
test database, then times /staff/ and counts its queries.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualitymark.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "2000"))


def build(count):
    from django.utils import timezone

    from applications.lifecycle import Status, statuses_that
    from applications.models.submissions import Application
    from descriptors.services import ensure_working_framework
    from moderation.models.workflow import Assignment
    from qualitymark.audit.models import AuditEvent
    from tests.factories import AgencyFactory
    from tests.moderation.builders import moderator, staff_user

    statuses = statuses_that("shows_to_staff")  # every status but draft
    framework = ensure_working_framework()
    staff = staff_user()
    from applications.models.agencies import Agency

    agencies = [AgencyFactory.build() for _ in range(count)]
    for number, agency in enumerate(agencies):
        agency.slug = f"bench-agency-{number}"
    agencies = Agency.objects.bulk_create(agencies)
    moderators = [moderator() for _ in range(10)]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            agency=agencies[i % len(agencies)],
            framework=framework,
            kind="new",
            level_sought="full",
            reference=f"EPQM-2026-{i:05d}",
            status=statuses[i % len(statuses)],
            created_by=staff,
            submitted_at=now - timedelta(days=i % 300),
            fee_pence=75000,
        )
        for i in range(count)
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action="application.submit",
            target_type="applications.application",
            target_id=str(application.pk),
            changes={"status": [Status.DRAFT, application.status]},
        )
        for application in applications
    )
    Assignment.objects.bulk_create(
        Assignment(
            application=application,
            moderator=moderators[(i + offset) % len(moderators)],
            role=role,
            due_on=timezone.localdate() + timedelta(days=(i % 40) - 20),
            assigned_by=staff,
        )
        for i, application in enumerate(applications)
        if application.status != Status.SUBMITTED
        for offset, role in ((0, "lead"), (1, "second"))
    )
    return staff


def main():
    from django.test import Client

    from bench.pages import measure, row

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        staff = build(APPLICATIONS)
        client = Client()
        client.force_login(staff)
        print(f"Database: {connection.vendor}")
        row(f"Staff: dashboard with {APPLICATIONS} applications", measure(client, "/staff/"))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
