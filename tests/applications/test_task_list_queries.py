"""The task list, a section page and check-your-answers run a fixed number of
queries: more files or sections do not mean more queries."""

import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models.evidence import EvidenceFile, ScanStatus
from applications.services.submissions import (
    sign_declaration,
    start_application,
    submit_application,
)
from tests.awards.factories import make_award

from .application_data import complete_every_section, section_keys

pytestmark = pytest.mark.django_db

# The most queries each page may run. They include the session, the user, their
# roles and the page's own reads; if one of these goes up, look for a query
# made once per section, file or marker before raising it.
# The identifier check reads the agency's portal users (one query); a section page runs the
# check for its warning (two more).
MAX_QUERIES = {"application": 13, "section": 11, "check_answers": 12, "submitted": 11}

_keys = itertools.count()


def add_files(application, user, per_descriptor: int) -> None:
    descriptor_keys = [key for key in section_keys(application) if key.startswith("q")]
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            application=application,
            section_key=key,
            storage_key=f"evidence/{application.pk}/{next(_keys)}.pdf",
            original_name=f"Tracking report {index}.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=2048,
            sha256="0" * 64,
            uploaded_by=user,
            scan_status=ScanStatus.CLEAN,
            extracted_text="Minutes of the monthly early permanence tracking meeting.",
            text_extracted=True,
        )
        for key in descriptor_keys
        for index in range(per_descriptor)
    )


@pytest.fixture
def answered(lead, agency):
    application = start_application(actor=lead, agency=agency, level_sought="full", kind="new")
    complete_every_section(application, lead)
    sign_declaration(actor=lead, application=application, name="Pat Lead", role="Head of Service")
    add_files(application, lead, per_descriptor=1)
    return application


PAGES = [
    ("application", lambda application: reverse("agency:application", args=[application.pk])),
    ("section", lambda application: reverse("agency:section", args=[application.pk, "q3"])),
    ("check_answers", lambda application: reverse("agency:check_answers", args=[application.pk])),
]


def count_queries(client, url) -> int:
    cache.clear()  # measure a cold page each time, whatever the selectors cache
    client.get(url)  # the session and anything lazily set up on first visit
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response
    return len(captured.captured_queries)


@pytest.mark.parametrize(("page", "url_of"), PAGES, ids=[name for name, _ in PAGES])
def test_the_number_of_queries_does_not_grow_with_files(
    lead_client, lead, answered, page, url_of, django_assert_max_num_queries
):
    url = url_of(answered)
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        lead_client.get(url)
    before = count_queries(lead_client, url)

    add_files(answered, lead, per_descriptor=10)
    assert EvidenceFile.objects.filter(application=answered).count() == 77

    after = count_queries(lead_client, url)
    assert after == before
    cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = lead_client.get(url)
    assert "Tracking report 9.pdf" in response.content.decode() or page == "application"


@pytest.mark.parametrize(("page", "url_of"), PAGES, ids=[name for name, _ in PAGES])
def test_the_number_of_queries_does_not_grow_with_sections(
    client, lead, agency, framework, page, url_of
):
    """A renewal has one more section than a new application, and the same queries."""
    new = start_application(actor=lead, agency=agency, level_sought="full", kind="new")
    complete_every_section(new, lead)
    add_files(new, lead, per_descriptor=1)
    client.force_login(lead)
    new_count = count_queries(client, url_of(new))

    new.status = "withdrawn"
    new.reference = "EPQM-2026-0001"
    new.save(update_fields=["status", "reference"])
    make_award(agency=agency)
    renewal = start_application(actor=lead, agency=agency, level_sought="full", kind="renewal")
    complete_every_section(renewal, lead)
    add_files(renewal, lead, per_descriptor=1)
    assert len(section_keys(renewal)) == len(section_keys(new)) + 1

    assert count_queries(client, url_of(renewal)) == new_count


def test_a_member_sees_the_same_number_of_queries(lead_client, member_client, answered):
    url = reverse("agency:application", args=[answered.pk])
    assert count_queries(member_client, url) == count_queries(lead_client, url)


def test_the_submitted_application_runs_the_same_queries_however_many_files(
    lead_client, lead, answered, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_application(actor=lead, application=answered)
    url = reverse("agency:application", args=[answered.pk])
    with django_assert_max_num_queries(MAX_QUERIES["submitted"]):
        page = lead_client.get(url)
    assert "Withdraw this application" in page.content.decode()
    before = count_queries(lead_client, url)

    add_files(answered, lead, per_descriptor=10)

    assert count_queries(lead_client, url) == before
