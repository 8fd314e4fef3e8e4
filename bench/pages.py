"""Benchmark: how fast the busiest pages answer, and how many queries they run.

    .venv/bin/python bench/pages.py                 # SQLite test database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualitymark .venv/bin/python bench/pages.py

Builds a realistic data set in a throw-away test database (it never touches
the real one), then requests each page repeatedly through Django's test
client and prints the median and 95th-percentile time and the query count.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualitymark.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))


def measure(client, url, *, repeats=REPEATS, clear_cache=False):
    from django.core.cache import cache

    timings = []
    queries = 0
    for _ in range(repeats):
        if clear_cache:
            cache.clear()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    timings.sort()
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    return statistics.median(timings), p95, queries


def row(label, result):
    median, p95, queries = result
    print(f"{label:<58} {median:8.1f} ms {p95:8.1f} ms {queries:5d}")


def _add_evidence(draft, lead):
    """Five read files on each of the seven descriptors."""
    from applications.models.evidence import EvidenceFile, ScanStatus

    for number in range(1, 8):
        for index in range(5):
            EvidenceFile.objects.create(
                application=draft,
                section_key=f"q{number}",
                storage_key=f"bench/{number}-{index}",
                original_name=f"evidence-{number}-{index}.pdf",
                kind="pdf",
                content_type="application/pdf",
                size=120_000,
                sha256="0" * 64,
                uploaded_by=lead,
                scan_status=ScanStatus.CLEAN,
                extracted_text="A policy on early permanence tracking meetings. " * 200,
                text_extracted=True,
            )


def _fill_queue(busy, staff):
    """Forty submitted applications assigned to one moderator."""
    from django.utils import timezone

    from moderation.models.workflow import Assignment
    from tests.factories import AgencyFactory
    from tests.moderation.builders import submitted_application

    for _ in range(40):
        Assignment.objects.create(
            application=submitted_application(agency=AgencyFactory()),
            moderator=busy,
            role=Assignment.Role.SECOND,
            due_on=timezone.localdate(),
            assigned_by=staff,
        )


def build_world():
    """One applicant application with evidence; a moderator with a queue of
    40 assignments; an application at panel with three reviews."""
    from moderation.services.screening import return_to_agency
    from tests.moderation.builders import (
        moderator,
        screened_application,
        staff_user,
        submit_review,
        submitted_application,
    )

    draft = submitted_application()
    lead = draft.agency.memberships.get(role="lead").user
    staff = staff_user()
    return_to_agency(actor=staff, application=draft, reason="Benchmark")
    _add_evidence(draft, lead)
    busy = moderator()
    _fill_queue(busy, staff)

    at_panel, assignments = screened_application(
        moderators=[moderator(), moderator(expertise=["legal"]), moderator(expertise=["academic"])]
    )
    for assignment in assignments:
        submit_review(assignment)
    chair_profile = moderator(is_chair=True)
    return {
        "draft": draft,
        "lead": lead,
        "staff": staff,
        "busy": busy.user,
        "at_panel": at_panel,
        "chair": chair_profile.user,
    }


def _measure_pages(world):
    """Median, 95th percentile and queries of the busiest pages."""
    from django.test import Client
    from django.urls import reverse

    lead = Client()
    lead.force_login(world["lead"])
    draft = world["draft"]
    row(
        "Applicant: task list (7 descriptors x 5 files)",
        measure(lead, reverse("agency:application", args=[draft.pk])),
    )
    row(
        "Applicant: descriptor section with 5 files",
        measure(lead, reverse("agency:section", args=[draft.pk, "q3"])),
    )
    row(
        "Applicant: check your answers",
        measure(lead, reverse("agency:check_answers", args=[draft.pk])),
    )
    row(
        "Applicant: identifier check (cold cache)",
        measure(lead, reverse("agency:identifiers", args=[draft.pk]), clear_cache=True),
    )

    busy = Client()
    busy.force_login(world["busy"])
    row("Moderator: queue with 40 assignments", measure(busy, reverse("moderation:queue")))

    staff = Client()
    staff.force_login(world["staff"])
    row("Staff: screening queue (40 submitted)", measure(staff, reverse("staff:screening")))
    row("Staff: all applications", measure(staff, reverse("staff:application_list")))

    chair = Client()
    chair.force_login(world["chair"])
    row(
        "Chair: consolidation (3 moderators x 7 descriptors)",
        measure(chair, reverse("moderation:consolidation", args=[world["at_panel"].pk])),
    )


def _measure_guard():
    """How fast the anonymisation guard reads text."""
    from applications.anonymisation import find_identifiers

    text = (ROOT / "tests/applications/anonymisation_corpus.yaml").read_text() * 20
    started = time.perf_counter()
    findings = find_identifiers(text)
    elapsed = time.perf_counter() - started
    print(
        f"Anonymisation guard: {len(text) / elapsed / 1e6:.2f} M characters/s "
        f"({len(text):,} characters, {len(findings):,} findings, {elapsed * 1000:.0f} ms)"
    )


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        world = build_world()
        print(f"Database: {connection.vendor}; cache: {settings.CACHES['default']['BACKEND']}")
        print(f"{'page':<58} {'median':>11} {'p95':>11} {'queries':>7}")

        _measure_pages(world)
        _measure_guard()
        extra = ROOT / "bench" / "register.py"
        if extra.exists():
            from bench import register

            register.run(row, measure)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
