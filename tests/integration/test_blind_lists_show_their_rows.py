"""Blind tests, from the promises alone, through the rendered pages: the screening list,
every application, the panel list and a moderator's queue show their rows, in order."""

import re
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from applications.lifecycle import Status
from applications.models.agencies import Agency, AgencyType, Region
from applications.models.submissions import Application, ApplicationKind, Level
from descriptors.services import ensure_working_framework
from moderation.models.workflow import Assignment, Decision, PanelMeeting, Review
from moderation.services.screening import record_eligibility, record_fee_paid, waive_fee
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.moderation.builders import chair, moderator, staff_user

pytestmark = pytest.mark.django_db

_numbers = count(1)


def noon(month, day, year=2026):
    return datetime(year, month, day, 12, tzinfo=UTC)


def make_application(status, *, submitted=None, level="full", kind="new", agency=None, **fields):
    """An application in `status` from its own agency (built with `fields`)."""
    return Application.objects.create(
        agency=agency or AgencyFactory(**fields),
        framework=ensure_working_framework(),
        kind=kind,
        level_sought=level,
        reference=f"EPQM-LR-{next(_numbers):05d}",
        status=status,
        created_by=UserFactory(),
        submitted_at=submitted or timezone.now(),
    )


def pay(app, staff):
    record_fee_paid(actor=staff, application=app, paid_on=date(2026, 3, 2), invoice_number="1")


def assign(application, *, role="second", removed=False, **fields):
    return Assignment.objects.create(
        application=application,
        moderator=fields.pop("profile", None) or moderator(),
        role=role,
        due_on=timezone.localdate() + timedelta(days=21),
        assigned_by=UserFactory(),
        removed_at=timezone.now() if removed else None,
        **fields,
    )


# --- reading pages -----------------------------------------------------------------------------


def page(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, (name, response.status_code, response.get("Location"))
    return lxml_html.fromstring(response.content.decode()).xpath("//main")[0]


def squash(node) -> str:
    return " ".join(" ".join(node.itertext()).split())


def rows(scope) -> list:
    return scope.xpath("./tbody/tr" if scope.tag == "table" else ".//table//tbody/tr")


def row_for(scope, reference):
    found = [row for row in rows(scope) if reference in squash(row)]
    assert len(found) == 1, f"{reference}: {len(found)} rows"
    return found[0]


def references(scope, pattern=r"EPQM-LR-\d{5}") -> list[str]:
    return [ref for row in rows(scope) for ref in re.findall(pattern, squash(row))]


def tags(row) -> list[str]:
    found = row.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' govuk-tag ')]")
    return [squash(tag) for tag in found]


def link_to(row, url) -> str:
    found = [squash(link) for link in row.xpath(".//a[@href]") if link.get("href") == url]
    assert found, f"no link to {url} in: {squash(row)}"
    return found[0]


def cell(row, heading) -> str:
    table = row.xpath("./ancestor::table[1]")[0]
    headings = [squash(th).lower() for th in table.xpath("./thead/tr/th")]
    index = next(i for i, text in enumerate(headings) if heading.lower() in text)
    return squash(row.xpath("./th|./td")[index])


def section(main, heading):
    found = main.xpath(f".//*[normalize-space()='{heading}']/following::table[1]")
    assert found, f"no table after {heading!r}"
    return found[0]


# --- 1. the screening list -----------------------------------------------------------------------


def test_the_screening_list_shows_submitted_applications_oldest_first_with_their_details(client):
    newest = make_application("submitted", submitted=noon(3, 20))
    ashdown = {"name": "Ashdown Adoption", "agency_type": AgencyType.VOLUNTARY, "region": "london"}
    oldest = make_application(
        "submitted", submitted=noon(3, 7), level="working_towards", kind="renewal", **ashdown
    )
    middle = make_application("submitted", submitted=noon(3, 12))
    in_review = make_application("in_review", submitted=noon(3, 1))

    main = page(client, staff_user(), "staff:screening")

    assert references(main) == [oldest.reference, middle.reference, newest.reference]
    assert in_review.reference not in squash(main)
    row = row_for(main, oldest.reference)
    url = reverse("staff:application", args=[oldest.pk])
    assert link_to(row, url) == "Ashdown Adoption"
    expected = [AgencyType.VOLUNTARY.label, Region.LONDON.label, Level.WORKING_TOWARDS.label]
    expected += [ApplicationKind.RENEWAL.label, oldest.reference, "7 Mar 2026"]
    assert [text for text in expected if text not in squash(row)] == [], squash(row)


def test_the_screening_list_tags_the_fee_and_the_eligibility(client):
    staff = staff_user()
    unscreened = make_application("submitted")
    paid_eligible = make_application("submitted")
    pay(paid_eligible, staff)
    record_eligibility(actor=staff, application=paid_eligible, eligible=True)
    waived = make_application("submitted")
    waive_fee(actor=staff, application=waived, reason="A small charity.")
    record_eligibility(actor=staff, application=waived, eligible=False, notes="Not registered.")
    paid_unchecked = make_application("submitted")
    pay(paid_unchecked, staff)
    eligible_unpaid = make_application("submitted")
    record_eligibility(actor=staff, application=eligible_unpaid, eligible=True)

    main = page(client, staff, "staff:screening")

    expected = {
        unscreened: ["Awaiting payment", "Not checked"],
        paid_eligible: ["Paid", "Eligible"],
        waived: ["Waived", "Not eligible"],
        paid_unchecked: ["Paid", "Not checked"],
        eligible_unpaid: ["Awaiting payment", "Eligible"],
    }
    for application, wanted in expected.items():
        assert sorted(tags(row_for(main, application.reference))) == sorted(wanted), application


def test_the_screening_list_counts_only_the_moderators_currently_assigned(client):
    three = make_application("submitted")
    for role in ("lead", "second", "second"):
        assign(three, role=role)
    assign(three, removed=True)
    one = make_application("submitted")
    assign(one, role="lead", removed=True)
    assign(one)
    none = make_application("submitted")

    main = page(client, staff_user(), "staff:screening")

    assert cell(row_for(main, three.reference), "Moderator") == "3"
    assert cell(row_for(main, one.reference), "Moderator") == "1"
    assert cell(row_for(main, none.reference), "Moderator") == "0"


# --- 2. every application ------------------------------------------------------------------------


def test_every_application_row_shows_its_details_counts_and_tags(client):
    staff = staff_user()
    application = make_application(
        "submitted", submitted=noon(3, 7), name="Birchwood Adoption", region=Region.NORTH_WEST
    )
    pay(application, staff)
    Application.objects.filter(pk=application.pk).update(status=Status.IN_REVIEW)
    lead, second = assign(application, role="lead"), assign(application)
    assign(application)
    assign(application, removed=True)
    Review.objects.create(assignment=lead, recommendation="full", submitted_at=timezone.now())
    Review.objects.create(assignment=second, recommendation="full")  # a draft
    at_panel = make_application("submitted", submitted=noon(3, 9))
    waive_fee(actor=staff, application=at_panel, reason="A small charity.")
    Application.objects.filter(pk=at_panel.pk).update(status=Status.PANEL)

    main = page(client, staff, "staff:application_list")

    row = row_for(main, application.reference)
    url = reverse("staff:application", args=[application.pk])
    assert link_to(row, url) == application.reference
    expected = ["Birchwood Adoption", Region.NORTH_WEST.label, "7 Mar 2026"]
    assert [text for text in expected if text not in squash(row)] == [], squash(row)
    assert sorted(tags(row)) == sorted([Status.IN_REVIEW.label, "Paid"])
    assert cell(row, "Moderators") == "3"
    assert cell(row, "Reviews") == "1"
    assert sorted(tags(row_for(main, at_panel.reference))) == sorted([Status.PANEL.label, "Waived"])


def test_every_application_filters_by_status(client):
    by_status = {
        status: [make_application(status), make_application(status)]
        for status in (Status.SUBMITTED, Status.IN_REVIEW, Status.PANEL, Status.DECIDED)
    }
    staff = staff_user()

    for status, applications in by_status.items():
        main = page(client, staff, "staff:application_list", status=status.value)
        assert sorted(references(main)) == sorted(a.reference for a in applications), status
        for row in rows(main):
            assert status.label in tags(row)


# --- 3. the panel list ---------------------------------------------------------------------------


def meeting(held_on, *applications, chaired_by=None):
    held = PanelMeeting.objects.create(
        held_on=held_on, chair=chaired_by or chair(), created_by=UserFactory()
    )
    held.agenda.add(*applications)
    return held


def test_the_panel_list_shows_applications_at_panel_first_submitted_first(client):
    later = make_application("panel", submitted=noon(4, 2))
    first = make_application(
        "panel", submitted=noon(2, 3), level=Level.WORKING_TOWARDS, name="Cedar Adoption"
    )
    unscheduled = make_application("panel", submitted=noon(3, 3), name="Damson Adoption")
    in_review = make_application("in_review", submitted=noon(1, 3))
    meeting(date(2026, 3, 5), first, later)
    meeting(date(2026, 4, 12), first)

    main = page(client, chair().user, "moderation:panel")

    at_panel = section(main, "Applications at panel")
    assert references(at_panel) == [first.reference, unscheduled.reference, later.reference]
    assert in_review.reference not in squash(at_panel)
    row = row_for(at_panel, first.reference)
    assert link_to(row, reverse("moderation:consolidation", args=[first.pk])) == first.reference
    text = squash(row)
    assert "Cedar Adoption" in text and Level.WORKING_TOWARDS.label in text
    assert re.search(r"\b12 April 2026\b.*\b5 March 2026\b", text), text
    assert "Not on an agenda yet" not in text
    text = squash(row_for(at_panel, unscheduled.reference))
    assert "Damson Adoption" in text and Level.FULL.label in text
    assert "Not on an agenda yet" in text
    assert "5 March 2026" in squash(row_for(at_panel, later.reference))


def test_a_chair_does_not_see_applications_they_are_conflicted_on_but_staff_do(client):
    profile = chair()
    declared = make_application("panel")
    assign(
        declared, role="lead", profile=profile, declared_at=timezone.now(), declared_conflict=True
    )
    affiliated = make_application("panel")
    profile.affiliated_agencies.add(affiliated.agency)
    clean = make_application("panel")

    for_chair = section(page(client, profile.user, "moderation:panel"), "Applications at panel")
    for_staff = section(page(client, staff_user(), "moderation:panel"), "Applications at panel")

    assert references(for_chair) == [clean.reference]
    everything = {declared.reference, affiliated.reference, clean.reference}
    assert set(references(for_staff)) == everything and len(references(for_staff)) == 3


def decide(application, day, recorder, outcome="full", supersedes=None):
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        suggested_outcome=outcome,
        rationale="Made for a test.",
        recorded_by=recorder,
        supersedes=supersedes,
        correction_reason="The outcome was wrong." if supersedes else "",
    )
    Decision.objects.filter(pk=decision.pk).update(recorded_at=noon(3, 1) + timedelta(days=day))
    return decision


def test_recent_decisions_show_the_current_twenty_newest_first(client):
    named = UserFactory(full_name="Morgan Chair")
    unnamed = UserFactory(full_name="", email="no.name@example.org")
    by_day = {day: make_application("decided") for day in range(21)}
    for day, application in by_day.items():
        decide(application, day, named, outcome="working_towards" if day == 20 else "full")
    corrected = make_application("decided", name="Elm Adoption")
    original = decide(corrected, 5, named)
    decide(corrected, 25, unnamed, outcome="not_awarded", supersedes=original)

    main = page(client, chair().user, "moderation:panel")

    recent = section(main, "Recent decisions")
    newest = [by_day[day].reference for day in range(20, 1, -1)]
    assert references(recent) == [corrected.reference, *newest]
    row = row_for(recent, corrected.reference)
    assert link_to(row, reverse("moderation:decide", args=[corrected.pk])) == corrected.reference
    text = squash(row)
    assert "Elm Adoption" in text and "(corrected)" in text
    assert tags(row) == ["Not awarded"]
    assert "26 March 2026 by no.name@example.org" in text
    assert not re.search(r"\b6 March 2026", text) and "Morgan Chair" not in text
    row = row_for(recent, by_day[20].reference)
    assert by_day[20].agency.name in squash(row)
    assert tags(row) == ["Working Towards"]
    assert "21 March 2026 by Morgan Chair" in squash(row)
    others = [squash(other) for other in rows(recent) if corrected.reference not in squash(other)]
    assert len(others) == 19 and all("(corrected)" not in text for text in others)


# --- 4. a moderator's queue ----------------------------------------------------------------------


def bulk_queue(profile, number, prefix="QQ") -> list[str]:
    """`number` assignments for `profile`, on applications in review; their references."""
    creator, now, today = UserFactory(), timezone.now(), timezone.localdate()
    agencies = Agency.objects.bulk_create(
        Agency(
            name=f"{prefix} {n}", slug=f"{prefix.lower()}-{n}", agency_type="la", region="london"
        )
        for n in range(number)
    )
    fields = {"framework": ensure_working_framework(), "kind": "new", "level_sought": "full"}
    fields |= {"status": "in_review", "created_by": creator, "submitted_at": now}
    applications = Application.objects.bulk_create(
        Application(agency=agency, reference=f"EPQM-{prefix}-{n:05d}", **fields)
        for n, agency in enumerate(agencies)
    )
    dues = [today + timedelta(days=1 + n % 30) for n in range(number)]
    Assignment.objects.bulk_create(
        Assignment(application=a, moderator=profile, role="lead", due_on=due, assigned_by=creator)
        for a, due in zip(applications, dues, strict=True)
    )
    return [application.reference for application in applications]


def test_a_queue_of_at_most_100_states_its_exact_number(client):
    for number, prefix in ((100, "QQ"), (2, "QS")):
        profile = moderator()
        bulk_queue(profile, number, prefix)
        text = squash(page(client, profile.user, "moderation:queue"))
        assert re.search(rf"\b{number} applications\b", text), text[:600]
        assert "More than" not in text


def test_a_queue_of_more_than_100_is_paged_fifty_at_a_time(client):
    profile = moderator()
    every = set(bulk_queue(profile, 101))
    pattern = r"EPQM-QQ-\d{5}"

    first = page(client, profile.user, "moderation:queue")
    assert "More than 100" in squash(first)
    first_rows = references(first, pattern)
    second_rows = references(page(client, profile.user, "moderation:queue", page=2), pattern)
    far = references(page(client, profile.user, "moderation:queue", page=999), pattern)

    assert len(first_rows) == 50 and len(set(first_rows)) == 50
    assert len(second_rows) == 50 and len(set(second_rows)) == 50
    assert not set(first_rows) & set(second_rows)
    assert set(far) == every - set(first_rows) - set(second_rows)


# --- who may see each list -----------------------------------------------------------------------

LISTS = ["staff:screening", "staff:application_list", "moderation:panel", "moderation:queue"]
WRONG_ROLE = {
    "staff:screening": lambda: moderator().user,
    "staff:application_list": lambda: chair().user,
    "moderation:panel": lambda: moderator().user,
    "moderation:queue": lambda: MembershipFactory(role="lead").user,
}


@pytest.mark.parametrize("name", LISTS)
def test_only_the_right_role_sees_the_list(client, name):
    make_application("submitted")
    anonymous = client.get(reverse(name))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(resolve_url(settings.LOGIN_URL))
    client.force_login(WRONG_ROLE[name]())
    assert client.get(reverse(name)).status_code == 404
