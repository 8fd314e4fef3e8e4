"""Staff downloads: every export in CSV and XLSX, audited, formula-safe,
filtered as on the lists, and independent reviews stay independent."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from moderation.exports import EXPORTS
from moderation.ratings import Rating
from qualitymark.audit.models import AuditEvent
from tests.factories import AgencyFactory, ModeratorProfileFactory

from .builders import (
    moderator,
    screened_application,
    staff_user,
    submit_review,
    submitted_application,
)
from .test_reviewer_pages import client_for

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet


def download(client, name, file_format="csv", **params):
    return client.get(reverse("staff:export", args=[name, file_format]), params)


@pytest.fixture
def scheme():
    staff = staff_user()
    reviewed, assignments = screened_application(staff=staff)
    submit_review(assignments[0], value=Rating.EXCEEDS)
    waiting = submitted_application(agency=AgencyFactory(name='=HYPERLINK("http://x")'))
    return staff, reviewed, assignments, waiting


def test_every_export_downloads_as_csv_and_xlsx_and_is_audited(scheme):
    staff, reviewed, assignments, waiting = scheme
    client = client_for(staff)
    for name, export in EXPORTS.items():
        rows = csv_rows(download(client, name))
        assert rows[0] == export.header
        workbook_rows, sheet = xlsx_rows(download(client, name, "xlsx"))
        assert workbook_rows[0] == export.header
        assert len(workbook_rows) == len(rows)
    applications = csv_rows(download(client, "applications"))
    assert {row[0] for row in applications[1:]} == {reviewed.reference, waiting.reference}
    reviews = csv_rows(download(client, "reviews"))
    assert len(reviews) == 1 + reviewed.framework.descriptors.count()
    assert {row[8] for row in reviews[1:]} == {"Exceeds"}
    assert reviews[0][7] == "Rating (0 = lowest)"
    assert {row[7] for row in reviews[1:]} == {"3"}  # an outside audit found "exceeds" here
    events = AuditEvent.objects.filter(action="export.downloaded", actor=staff)
    assert events.count() == 2 * len(EXPORTS) + 2
    assert {(event.changes["export"], event.changes["format"]) for event in events} >= {
        ("fees", "xlsx"),
        ("awards", "csv"),
    }


def test_text_a_spreadsheet_would_run_is_not_a_formula(scheme):
    staff, reviewed, assignments, waiting = scheme
    client = client_for(staff)
    rows = csv_rows(download(client, "applications"))
    agency_cells = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in agency_cells
    workbook_rows, sheet = xlsx_rows(download(client, "applications", "xlsx"))
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.column == 2]
    hyperlink = next(cell for cell in cells if "HYPERLINK" in str(cell.value))
    assert hyperlink.data_type == "s" and hyperlink.value.startswith("'=")


def test_exports_take_the_lists_filters(scheme):
    staff, reviewed, assignments, waiting = scheme
    client = client_for(staff)
    rows = csv_rows(download(client, "applications", status="submitted"))
    assert [row[0] for row in rows[1:]] == [waiting.reference]
    rows = csv_rows(download(client, "fees", flag="fee_unpaid"))
    assert [row[0] for row in rows[1:]] == [waiting.reference]
    event = AuditEvent.objects.filter(action="export.downloaded").latest("created_at")
    assert event.changes["filters"] == {"flag": "fee_unpaid"}


def test_a_staff_member_assigned_as_moderator_sees_only_their_own_review_until_they_submit():
    staff = staff_user()
    staff_as_moderator = ModeratorProfileFactory(user=staff_user())
    application, assignments = screened_application(
        staff=staff, moderators=[moderator(), staff_as_moderator]
    )
    other_application, other_assignments = screened_application(staff=staff)
    submit_review(assignments[0], value=Rating.NOT_YET_EVIDENCED)  # the other moderator's review
    submit_review(other_assignments[0], value=Rating.PARTLY_MEETS)
    client = client_for(staff_as_moderator.user)

    def moderators_seen(app):
        rows = csv_rows(download(client, "reviews"))
        return {row[2] for row in rows[1:] if row[0] == app.reference}

    other_name = assignments[0].moderator.user.get_full_name()
    assert moderators_seen(application) == set()  # own review not started, other's hidden
    assert other_name not in moderators_seen(application)
    assert moderators_seen(other_application) == {
        other_assignments[0].moderator.user.get_full_name()
    }
    submit_review(assignments[1], value=Rating.MEETS)
    assert moderators_seen(application) == {
        other_name,
        staff_as_moderator.user.get_full_name(),
    }


def test_downloads_are_for_coram_staff_only(scheme):
    outsider = client_for(moderator().user)
    assert outsider.get(reverse("staff:exports")).status_code == 404
    assert download(outsider, "applications").status_code == 404
    staff = client_for(scheme[0])
    assert download(staff, "nothing").status_code == 404
    assert download(staff, "applications", "pdf").status_code == 404
    page = staff.get(reverse("staff:exports"), {"status": "submitted"}).content.decode()
    assert reverse("staff:export", args=["fees", "xlsx"]) + "?status=submitted" in page


def test_only_the_downloads_of_the_list_you_came_from_are_filtered(scheme):
    """An outside audit followed "Download these awards" from a filtered awards list and got
    every application, decision, fee and review under "Filtered as on the list you came
    from: query Downs"."""
    staff, reviewed, assignments, waiting = scheme
    client = client_for(staff)
    page = client.get(reverse("staff:exports"), {"status": "submitted", "list": "applications"})
    text = page.content.decode()
    assert "filtered as on the applications list" in text
    assert "<strong>Status</strong>: Submitted" in text
    rows = [row for row in text.split("<tr") if "As filtered" in row]
    assert len(rows) == 4 and not any("Awards" in row for row in rows)

    everything = csv_rows(download(client, "applications"))
    from_awards = csv_rows(download(client, "applications", query="Nobody", list="awards"))
    assert from_awards == everything
    awards_page = client.get(reverse("staff:exports"), {"query": "Nobody"}).content.decode()
    assert "filtered as on the awards list" in awards_page
    assert "Agency, certificate number or application reference</strong>: Nobody" in awards_page


def test_a_filter_the_list_would_refuse_is_ignored_as_the_list_ignores_it(scheme):
    staff, reviewed, assignments, waiting = scheme
    client = client_for(staff)
    rows = csv_rows(download(client, "applications", status="bogus"))
    assert {row[0] for row in rows[1:]} == {reviewed.reference, waiting.reference}
