"""Blind tests of three promises in the README (issue 16), written from the
README alone and checked through rendered pages and PDFs read back:

1. Every staff and moderator list is paged and counts at most 1,000 rows past
   the page asked for: a longer list says "More than 1,000" and "Page 1 of at
   least 21", and its later pages are still reached with *Next*. (The
   applications list is the exception: it counts every application.)
2. The staff dashboard's figures are never out of date (worked out once for
   each state of the PostgreSQL database, kept until anything is next written).
   Days in a status are shown only for statuses in which an application waits
   on someone; decided and withdrawn ones are counted only.
3. The panel's decision PDF has an outline listing its sections and each
   quality descriptor, but not each descriptor's subheadings.
"""

import io
import re
from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html
from pypdf import PdfReader

from applications.models.agencies import Agency, AgencyType, Region
from applications.models.submissions import Application
from descriptors.services import ensure_working_framework
from moderation.models.awards import Award
from moderation.models.profiles import ModeratorProfile
from moderation.models.workflow import Assignment, Decision
from qualitymark.notifications.models import SentEmail
from qualitymark.users.models import User
from tests.factories import MembershipFactory
from tests.moderation.builders import chair, moderator, screen, staff_user, submitted_application
from tests.moderation.test_panel_pages import decided_application

HOME = "/staff/"
LIMIT = 1000
# Added when the README changed (session 8): a moderator's own queue counts at most 250;
# 100 since session 10. The panel list counts at most 100 since session 11.
OWN_LIMITS = {"moderation queue": 100, "moderation panel": 100}


# --- reading pages ---------------------------------------------------------------------------


def tree_of(response):
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    return lxml_html.fromstring(response.content.decode())


def squash(node) -> str:
    return " ".join(node.text_content().split())


def main_text(response) -> str:
    tree = tree_of(response)
    main = tree.xpath("//main") or [tree]
    return squash(main[0])


def body_rows(response) -> list[str]:
    """The text of each body row of the page's list table(s) in <main>."""
    tree = tree_of(response)
    main = (tree.xpath("//main") or [tree])[0]
    return [squash(row) for row in main.xpath(".//table//tbody/tr")]


def next_link(response, base: str) -> str | None:
    tree = tree_of(response)
    for anchor in tree.xpath("//a[@href]"):
        label = squash(anchor)
        rel = (anchor.get("rel") or "").split()
        if "next" in rel or label.startswith("Next"):
            return urljoin(base, anchor.get("href"))
    return None


def page_number(url: str) -> str | None:
    return (parse_qs(urlparse(url).query).get("page") or [None])[0]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- making long lists cheaply ---------------------------------------------------------------


def bulk_users(count, prefix="bulk") -> list[User]:
    return User.objects.bulk_create(
        User(
            email=f"{prefix}{index:05d}@example.org",
            full_name=f"{prefix.title()} Person {index:05d}",
            password="!",
        )
        for index in range(count)
    )


def bulk_agencies(count, prefix="bulk") -> list[Agency]:
    return Agency.objects.bulk_create(
        Agency(
            name=f"{prefix.title()} Adoption Service {index:05d}",
            slug=f"{prefix}-adoption-service-{index:05d}",
            agency_type=AgencyType.LOCAL_AUTHORITY,
            region=Region.SOUTH_WEST,
        )
        for index in range(count)
    )


def bulk_applications(count, status, prefix="bulk") -> list[Application]:
    framework = ensure_working_framework()
    creator = User.objects.create(email=f"{prefix}-creator@example.org", password="!")
    now = timezone.now()
    agencies = bulk_agencies(count, prefix)
    return Application.objects.bulk_create(
        Application(
            agency=agency,
            framework=framework,
            kind="new",
            level_sought="full",
            reference=f"EPQM-2026-{index + 10000:05d}",
            status=status,
            created_by=creator,
            submitted_at=now - timedelta(minutes=index),
            status_changed_at=now - timedelta(minutes=index),
            declaration_name="Pat Lead",
            declaration_role="Head of Service",
            declaration_signed_at=now,
        )
        for index, agency in enumerate(agencies)
    )


def many_people(count):
    bulk_users(count)


def many_moderators(count):
    ModeratorProfile.objects.bulk_create(
        ModeratorProfile(user=user, expertise=["practice"])
        for user in bulk_users(count, prefix="moderator")
    )


def many_agencies(count):
    bulk_agencies(count)


def many_emails(count):
    now = timezone.now()
    SentEmail.objects.bulk_create(
        SentEmail(
            template="application_submitted",
            recipients=[f"lead{index}@example.org"],
            subject=f"Application {index} received",
            body="Thank you.",
            status="sent",
            sent_at=now,
            attempts=1,
        )
        for index in range(count)
    )


def many_submitted(count):
    bulk_applications(count, "submitted")


def many_in_review(count):
    bulk_applications(count, "in_review")


def many_awards(count):
    applications = bulk_applications(count, "decided", prefix="awarded")
    recorder = applications[0].created_by
    decisions = Decision.objects.bulk_create(
        Decision(
            application=application,
            outcome="full",
            suggested_outcome="full",
            rationale="Made for a test.",
            recorded_by=recorder,
        )
        for application in applications
    )
    now = timezone.now()
    Award.objects.bulk_create(
        Award(
            agency=application.agency,
            application=application,
            decision=decision,
            level="full",
            number=f"EPQM-C-2026-{index:05d}",
            verification_token=f"token-{index:05d}",
            awarded_on=timezone.localdate() - timedelta(days=30),
            expires_on=timezone.localdate() + timedelta(days=1000),
            status="current",
            is_published=True,
            published_at=now,
            first_published_at=now,
        )
        for index, (application, decision) in enumerate(zip(applications, decisions, strict=True))
    )


def many_assignments_for(profile, count):
    applications = bulk_applications(count, "in_review", prefix="queued")
    assigner = staff_user()
    Assignment.objects.bulk_create(
        Assignment(
            application=application,
            moderator=profile,
            role="lead",
            due_on=timezone.localdate() + timedelta(days=21),
            assigned_by=assigner,
        )
        for application in applications
    )


def many_at_panel(count):
    bulk_applications(count, "panel", prefix="panel")


def staff_viewer(count, make):
    make(count)
    return staff_user()


def moderator_viewer(count, make):
    profile = moderator()
    many_assignments_for(profile, count)
    return profile.user


def chair_viewer(count, make):
    many_at_panel(count)
    return chair().user


# (url, who looks, how the rows are made)
LISTS = {
    "people": ("/staff/people/", staff_viewer, many_people),
    "moderators": ("/staff/moderators/", staff_viewer, many_moderators),
    "agencies": ("/staff/agencies/", staff_viewer, many_agencies),
    "awards": ("/staff/awards/", staff_viewer, many_awards),
    "emails": ("/staff/emails/", staff_viewer, many_emails),
    "screening": ("/staff/screening/", staff_viewer, many_submitted),
    "moderation queue": ("/moderation/", moderator_viewer, None),
    "moderation panel": ("/moderation/panel/", chair_viewer, None),
}


# --- 1. paged lists counted only so far ----------------------------------------------------


@pytest.mark.django_db
def test_the_applications_list_counts_every_application():
    """Written after the first blind run: the README promised the 1,000-row
    bound for every list, but the applications list counts every application by
    status for its filter, and says so now; the README was corrected."""
    user = staff_viewer(1120, many_in_review)
    text = main_text(client_for(user).get("/staff/applications/"))
    assert "1120 applications" in text, text[:800]
    assert "More than" not in text


@pytest.mark.django_db
def test_a_list_of_exactly_1000_is_counted_exactly():
    staff = staff_user()
    bulk_users(LIMIT - User.objects.count())
    assert User.objects.count() == LIMIT
    response = client_for(staff).get("/staff/people/")
    text = main_text(response)
    assert "More than" not in text, "1,000 people is not more than 1,000"
    assert re.search(r"\b1,?000 people\b", text), text[:600]
    assert re.search(r"Page 1 of 20\b", text), text[:600]
    assert "at least" not in text
    assert len(body_rows(response)) == 50


@pytest.mark.django_db
def test_a_short_list_shows_its_exact_count_and_a_single_page():
    staff = staff_user()
    bulk_users(36)
    total = User.objects.count()
    response = client_for(staff).get("/staff/people/")
    text = main_text(response)
    assert f"{total} people" in text, text[:600]
    assert "More than" not in text
    assert len(body_rows(response)) == total
    assert next_link(response, "/staff/people/") is None


@pytest.mark.django_db
def test_a_list_one_row_over_the_limit_says_more_than_1000():
    staff = staff_user()
    bulk_users(LIMIT + 1 - User.objects.count())
    assert User.objects.count() == LIMIT + 1
    response = client_for(staff).get("/staff/people/")
    text = main_text(response)
    assert "More than 1,000" in text, text[:600]
    assert "Page 1 of at least 21" in text, text[:600]


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(LISTS))
def test_a_long_list_says_more_than_1000_and_its_later_pages_are_reached(name):
    url, viewer, make = LISTS[name]
    limit = OWN_LIMITS.get(name, LIMIT)
    total = 1120
    user = viewer(total, make)
    client = client_for(user)

    first = client.get(url)
    first_rows = body_rows(first)
    text = main_text(first)
    assert first_rows, f"{name}: page 1 shows rows"
    per_page = len(first_rows)
    assert f"More than {limit:,}" in text, f"{name}: {text[:800]}"
    at_least = limit // per_page + 1
    assert f"Page 1 of at least {at_least}" in text, f"{name} ({per_page} a page): {text[:800]}"

    second_url = next_link(first, url)
    assert second_url, f"{name}: page 1 offers Next"
    assert page_number(second_url) == "2", second_url
    second = client.get(second_url)
    second_rows = body_rows(second)
    assert len(second_rows) == per_page, f"{name}: page 2 is a whole page"
    assert not set(second_rows) & set(first_rows), f"{name}: page 2 shows other rows"

    # Beyond what page 1 counted: pages 21 and 22 at a limit of 1,000 and 50 a page.
    last_full = total // per_page
    seen = set(first_rows) | set(second_rows)
    for number in (at_least, at_least + 1):
        if number > last_full:
            break
        response = client.get(url, {"page": number})
        rows = body_rows(response)
        assert len(rows) == per_page, f"{name}: page {number} shows {len(rows)} rows"
        assert not set(rows) & seen, f"{name}: page {number} repeats rows of an earlier page"
        seen |= set(rows)
        assert f"Page {number} of" in main_text(response), f"{name}: page {number}"
        following = next_link(response, url)
        assert following and page_number(following) == str(number + 1), (
            f"{name}: page {number} offers Next to page {number + 1}, got {following}"
        )


@pytest.mark.django_db
def test_following_next_from_page_1_reaches_the_last_row():
    staff = staff_user()
    bulk_users(1090)
    total = User.objects.count()
    client = client_for(staff)
    url, seen, pages = "/staff/people/", [], 0
    while url and pages < 40:
        response = client.get(url)
        seen.extend(body_rows(response))
        url = next_link(response, "/staff/people/")
        pages += 1
    assert len(seen) == total, f"{len(seen)} rows reached by Next in {pages} pages of {total}"
    assert len(set(seen)) == total
    # The last page, once in reach, is counted exactly.
    text = main_text(response)
    assert "at least" not in text and "More than" not in text, text[:600]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/staff/people/", "/staff/agencies/", "/staff/emails/"])
def test_a_bad_page_value_gives_a_page_not_an_error(url):
    staff = staff_user()
    many_people(60)
    many_agencies(60)
    many_emails(60)
    client = client_for(staff)
    client.raise_request_exception = False
    failures = []
    # Values too big for a bigint last: a database error spoils the test's
    # transaction, and so every request after it.
    for value in ["", "abc", "0", "-3", "1.5", "99999", "2'", "%00", "last", "9" * 19, "9" * 30]:
        response = client.get(url, {"page": value})
        if response.status_code != 200:
            failures.append(f"?page={value} -> HTTP {response.status_code}")
        elif not body_rows(response):
            failures.append(f"?page={value} -> no rows")
    assert not failures, f"{url}: " + "; ".join(failures)


# --- 2. the dashboard is never out of date -------------------------------------------------


def figures(response, table_id) -> dict[str, list[str]]:
    tree = tree_of(response)
    rows = tree.xpath(f"//table[@id='{table_id}']//tbody/tr")
    assert rows, f"no table#{table_id} rows"
    return {
        squash(row.xpath("./th")[0]): [squash(cell) for cell in row.xpath("./td")] for row in rows
    }


def waiting(client) -> str:
    return figures(client.get(HOME), "attention")["Waiting for screening"][0]


def pipeline_count(client, label) -> str:
    return figures(client.get(HOME), "pipeline").get(label, ["0"])[0]


@pytest.fixture
def dashboard(client):
    if connection.vendor != "postgresql":
        pytest.skip("the promise is about PostgreSQL")
    client.force_login(staff_user())
    client.get(HOME)
    return client


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_new_submission_shows_at_once(dashboard):
    assert waiting(dashboard) == "0"
    submitted_application()
    assert waiting(dashboard) == "1"
    assert pipeline_count(dashboard, "Submitted") == "1"
    submitted_application()
    assert waiting(dashboard) == "2"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_withdrawal_through_the_agencys_page_shows_at_once(dashboard):
    application = submitted_application()
    other = submitted_application()
    assert waiting(dashboard) == "2"
    withdrawn_before = pipeline_count(dashboard, "Withdrawn")
    lead = application.agency.memberships.get(role="lead").user
    response = client_for(lead).post(
        reverse("agency:withdraw", args=[application.pk]), {"reason": "Not ready yet."}
    )
    assert response.status_code in (200, 302)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert waiting(dashboard) == "1"
    assert pipeline_count(dashboard, "Withdrawn") == str(int(withdrawn_before) + 1)
    assert other.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_screening_an_application_shows_at_once(dashboard):
    application = submitted_application()
    assert waiting(dashboard) == "1"
    assert pipeline_count(dashboard, "In review") == "0"
    screen(application)
    assert waiting(dashboard) == "0"
    assert pipeline_count(dashboard, "In review") == "1"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_bulk_update_without_signals_shows_at_once(dashboard):
    application = submitted_application()
    assert waiting(dashboard) == "1"
    Application.objects.filter(pk=application.pk).update(
        status="withdrawn", withdrawn_at=timezone.now(), status_changed_at=timezone.now()
    )
    assert waiting(dashboard) == "0", "a queryset update is a write too"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_write_on_another_database_connection_shows_at_once(dashboard):
    """A write by another process (a worker, a shell) is a new database state too."""
    application = submitted_application()
    assert waiting(dashboard) == "1"
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Application._meta.db_table} SET status = 'withdrawn', "  # noqa: S608
                "withdrawn_at = now(), status_changed_at = now() WHERE id = %s",
                [application.pk],
            )
        other.commit() if not other.get_autocommit() else None
    finally:
        other.close()
    assert waiting(dashboard) == "0", "written on another connection, still shown as waiting"


def morning(day):
    return timezone.make_aware(datetime.combine(day, time(9)))


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_days_in_a_status_grow_with_the_days_even_with_nothing_written(client, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the promise is about PostgreSQL")
    # Stay signed in across the days without signing in again (which is a write).
    settings.SESSION_COOKIE_AGE = int(timedelta(days=30).total_seconds())
    staff = staff_user()
    start = morning(timezone.localdate())
    with time_machine.travel(start, tick=False) as clock:
        submitted_application()
        client.force_login(staff)
        client.get(HOME)
        assert figures(client.get(HOME), "pipeline")["Submitted"] == ["1", "0", "0"]
        clock.move_to(start + timedelta(days=3))
        response = client.get(HOME)
        assert response.status_code == 200, "still signed in three days on"
        assert figures(response, "pipeline")["Submitted"] == ["1", "3", "3"], (
            "three days later with nothing written, the days in status are out of date"
        )


@pytest.mark.django_db
def test_decided_and_withdrawn_are_counted_but_not_aged(client):
    staff = staff_user()
    start = morning(timezone.localdate())
    with time_machine.travel(start - timedelta(days=10), tick=False):
        decided_application()
        withdrawn = submitted_application()
        lead = withdrawn.agency.memberships.get(role="lead").user
        client_for(lead).post(
            reverse("agency:withdraw", args=[withdrawn.pk]), {"reason": "Not ready yet."}
        )
        waiting_one = submitted_application()
    with time_machine.travel(start, tick=False):
        pipeline = figures(client_for(staff).get(HOME), "pipeline")
    assert waiting_one.pk
    assert pipeline["Submitted"] == ["1", "10", "10"], pipeline
    for label in ("Decided", "Withdrawn"):
        assert label in pipeline, pipeline
        count, *days = pipeline[label]
        assert count == "1", (label, pipeline[label])
        assert days, (label, "the days columns are there, left empty")
        assert not any(re.search(r"\d", cell) for cell in days), (
            f"{label} shows days in status: {pipeline[label]}"
        )


# --- 3. the decision PDF's outline ---------------------------------------------------------


def outline_entries(reader, outline=None, depth=0) -> list[tuple[int, str, int]]:
    """(depth, title, page number) of every bookmark, in order."""
    outline = reader.outline if outline is None else outline
    entries = []
    for item in outline:
        if isinstance(item, list):
            entries.extend(outline_entries(reader, item, depth + 1))
        else:
            entries.append((depth, item.title, reader.get_destination_page_number(item)))
    return entries


@pytest.mark.django_db
def test_the_decision_pdf_outline_has_sections_and_each_descriptor_but_no_subheadings(client):
    application, _, _ = decided_application()
    member = MembershipFactory(agency=application.agency, role="member").user
    client.force_login(member)
    response = client.get(reverse("agency:decision_pdf", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    entries = outline_entries(reader)
    titles = [title.strip() for _, title, _ in entries]
    assert titles, "the PDF has an outline"

    descriptors = list(application.framework.descriptors.order_by("number"))
    for descriptor in descriptors:
        matching = [t for t in titles if descriptor.code in t and descriptor.title[:20] in t]
        assert len(matching) == 1, (descriptor.code, descriptor.title, titles)
    descriptor_titles = {
        t for t in titles if any(d.code in t and d.title[:20] in t for d in descriptors)
    }
    sections = [t for t in titles if t not in descriptor_titles]
    assert len(sections) >= 2, f"the outline lists the PDF's sections: {titles}"
    assert not any(t.lower().startswith(("strengths", "areas to develop")) for t in titles), (
        f"subheadings in the outline: {titles}"
    )
    # Descriptors are listed in their order, each bookmark on the page showing it.
    order = [t for t in titles if t in descriptor_titles]
    assert order == [
        next(t for t in titles if d.code in t and d.title[:20] in t) for d in descriptors
    ]
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    for _, title, number in entries:
        words = " ".join(title.split())
        assert words[:30] in pages[number], f"bookmark {title!r} points at page {number + 1}"
