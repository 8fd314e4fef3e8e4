"""The permission matrix: every moderation URL (moderation/urls.py's
moderator_patterns, staff_patterns and agency_patterns) against every kind of
person who might ask for it.

Read MATRIX below as the specification. A row is a URL name, with "@target"
when the URL names an application:

    rev  the application in review (agency A). The assigned moderator declared
         no conflict, asked a question the agency answered, and submitted their
         review; the undeclared moderator has not answered the declaration yet;
         the conflicted moderator was assigned and declared before their link
         with agency A became known.
    pnl  the application at panel (agency A2), on a quorate meeting's agenda.
    dec  the decided application (agency A, Full), with its award and certificate.
    sub  the application waiting for screening (agency A3): fee paid, eligible,
         two moderators assigned, not yet accepted.
    a/b  the URL names application a but its file, assignment or information
         request belongs to application b: nobody may reach it that way.

Columns (the people):

    anon   not signed in
    membr  a lead of agency A (the agency that applied)
    other  a member of agency B
    asgnd  the moderator assigned to rev, pnl and dec, declared, no conflict
    undec  a moderator assigned to rev who has not answered the declaration
    unasg  a moderator assigned to nothing
    confl  assigned to rev, then found to be linked to agencies A and A2
    affil  linked to agencies A and A2, assigned to nothing
    chair  a panel chair with no assignment and no conflict (chairs both meetings)
    cchr   a panel chair linked to agencies A and A2
    staff  Coram staff

Outcomes of a GET:

    ok     200
    login  302 to the sign-in page (/accounts/login/?next=<the URL>)
    404    not found: the page is not there for this person
    >decl  302 to the conflict declaration (moderation:declare) for the application
    >app   302 to the moderator's reading page (moderation:application)
    >sapp  302 to Coram staff's application page (staff:application): the step is
           closed at this stage of the lifecycle

Every cell that is not "ok" is also POSTed, with a form that would be valid for
the person allowed to act, and must give the same answer (or 405 where the GET
gives 404 and the page only reads) and change nothing in the database.
test_the_same_post_goes_through_for_the_person_allowed proves those forms work.
Last, every moderation link a person is shown on the pages they can open must
open for them.

The public register and verification pages (moderation.urls.public_patterns)
need no sign-in and are not in the matrix; tests/awards/test_register.py has them.

The data is built once for the module (tests/moderation/matrix_support.py) in
a transaction that is rolled back at the end; each test runs in a savepoint.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from lxml import html as lxml_html

from moderation import urls as moderation_urls
from moderation.ratings import Rating

from .matrix_support import (
    AFFILIATED,
    ANONYMOUS,
    ASSIGNED,
    CHAIR,
    CONFLICTED,
    CONFLICTED_CHAIR,
    MEMBER,
    OTHER_MEMBER,
    ROLES,
    STAFF,
    TARGETS,
    UNASSIGNED,
    UNDECLARED,
    build_world,
    changed_tables,
    snapshot,
)

MATRIX = """
[moderation]                 anon  membr other asgnd undec unasg confl affil chair cchr  staff
queue                        login 404   404   ok    ok    ok    ok    ok    ok    ok    404
profile                      login 404   404   ok    ok    ok    ok    ok    ok    ok    404
profile_agencies             login 404   404   ok    ok    ok    ok    ok    ok    ok    404
application@rev              login 404   404   ok    >decl 404   404   404   404   404   404
application@pnl              login 404   404   ok    404   404   404   404   404   404   404
application@dec              login 404   404   ok    404   404   404   404   404   404   404
declare@rev                  login 404   404   >app  ok    404   404   404   404   404   404
review@rev                   login 404   404   ok    >decl 404   404   404   404   404   404
amend@rev                    login 404   404   ok    >decl 404   404   404   404   404   404
reviews@rev                  login 404   404   ok    >decl 404   404   404   404   404   404
reviews_export@rev           login 404   404   ok    >decl 404   404   404   404   404   404
evidence_download@rev        login 404   404   ok    404   404   404   404   404   404   404
evidence_download@dec        login 404   404   ok    404   404   404   404   404   404   404
evidence_download@rev/pnl    login 404   404   404   404   404   404   404   404   404   404
request_information@rev      login 404   404   ok    >decl 404   404   404   404   404   404
panel                        login 404   404   404   404   404   404   404   ok    ok    ok
consolidation@pnl            login 404   404   404   404   404   404   404   ok    404   ok
consolidation@dec            login 404   404   404   404   404   404   404   ok    404   ok
consolidation@rev            login 404   404   404   404   404   404   404   404   404   404
decide@pnl                   login 404   404   404   404   404   404   404   ok    404   404
decide@dec                   login 404   404   404   404   404   404   404   ok    404   ok
decide@rev                   login 404   404   404   404   404   404   404   404   404   404
correct_decision@dec         login 404   404   404   404   404   404   404   ok    404   404
correct_decision@pnl         login 404   404   404   404   404   404   404   404   404   404

[staff]                      anon  membr other asgnd undec unasg confl affil chair cchr  staff
home                         login 404   404   404   404   404   404   404   404   404   ok
moderator_list               login 404   404   404   404   404   404   404   404   404   ok
moderator_detail             login 404   404   404   404   404   404   404   404   404   ok
moderator_chair              login 404   404   404   404   404   404   404   404   404   ok
moderator_deactivate         login 404   404   404   404   404   404   404   404   404   ok
moderator_reactivate         login 404   404   404   404   404   404   404   404   404   ok
screening                    login 404   404   404   404   404   404   404   404   404   ok
application_list             login 404   404   404   404   404   404   404   404   404   ok
application@rev              login 404   404   404   404   404   404   404   404   404   ok
application@sub              login 404   404   404   404   404   404   404   404   404   ok
fee@sub                      login 404   404   404   404   404   404   404   404   404   ok
fee@rev                      login 404   404   404   404   404   404   404   404   404   >sapp
eligibility@sub              login 404   404   404   404   404   404   404   404   404   ok
assign@sub                   login 404   404   404   404   404   404   404   404   404   ok
assign@dec                   login 404   404   404   404   404   404   404   404   404   >sapp
assignment@rev               login 404   404   404   404   404   404   404   404   404   ok
assignment@rev/pnl           login 404   404   404   404   404   404   404   404   404   404
assignment_remove@rev        login 404   404   404   404   404   404   404   404   404   ok
accept@sub                   login 404   404   404   404   404   404   404   404   404   ok
accept@rev                   login 404   404   404   404   404   404   404   404   404   >sapp
return@sub                   login 404   404   404   404   404   404   404   404   404   ok
reviews@rev                  login 404   404   404   404   404   404   404   404   404   ok
open_panel@rev               login 404   404   404   404   404   404   404   404   404   ok
open_panel@pnl               login 404   404   404   404   404   404   404   404   404   >sapp
request_information@rev      login 404   404   404   404   404   404   404   404   404   ok
evidence_download@rev        login 404   404   404   404   404   404   404   404   404   ok
evidence_download@rev/pnl    login 404   404   404   404   404   404   404   404   404   404
meetings                     login 404   404   404   404   404   404   404   404   404   ok
meeting_create               login 404   404   404   404   404   404   404   404   404   ok
meeting                      login 404   404   404   404   404   404   404   404   404   ok
award_list                   login 404   404   404   404   404   404   404   404   404   ok
award                        login 404   404   404   404   404   404   404   404   404   ok
award_publish                login 404   404   404   404   404   404   404   404   404   ok
award_unpublish              login 404   404   404   404   404   404   404   404   404   ok
award_suspend                login 404   404   404   404   404   404   404   404   404   ok
award_reinstate              login 404   404   404   404   404   404   404   404   404   ok
award_withdraw               login 404   404   404   404   404   404   404   404   404   ok
award_regenerate             login 404   404   404   404   404   404   404   404   404   ok
award_certificate            login 404   404   404   404   404   404   404   404   404   ok
meeting_cancel               login 404   404   404   404   404   404   404   404   404   ok
calibration                  login 404   404   404   404   404   404   404   404   404   ok
exports                      login 404   404   404   404   404   404   404   404   404   ok
emails                       login 404   404   404   404   404   404   404   404   404   ok
email_previews               login 404   404   404   404   404   404   404   404   404   ok

[agency]                     anon  membr other asgnd undec unasg confl affil chair cchr  staff
information_request@rev      login ok    404   404   404   404   404   404   404   404   404
information_request@dec/rev  login 404   404   404   404   404   404   404   404   404   404
decision@dec                 login ok    404   404   404   404   404   404   404   404   404
decision@rev                 login 404   404   404   404   404   404   404   404   404   404
decision_pdf@dec             login ok    404   404   404   404   404   404   404   404   404
award                        login ok    404   404   404   404   404   404   404   404   404
award_certificate            login ok    404   404   404   404   404   404   404   404   404
"""

COLUMNS = {
    "anon": ANONYMOUS,
    "membr": MEMBER,
    "other": OTHER_MEMBER,
    "asgnd": ASSIGNED,
    "undec": UNDECLARED,
    "unasg": UNASSIGNED,
    "confl": CONFLICTED,
    "affil": AFFILIATED,
    "chair": CHAIR,
    "cchr": CONFLICTED_CHAIR,
    "staff": STAFF,
}
REDIRECTS = {
    ">decl": "moderation:declare",
    ">app": "moderation:application",
    ">sapp": "staff:application",
}
OUTCOMES = {"ok", "login", "404", *REDIRECTS}

# URL names whose permissions another module checks instead of this one (with
# the test that does). Empty: the award pages are in the matrix above.
COVERED_ELSEWHERE: dict[str, str] = {
    "agency:appeal": (
        "tests/moderation/test_appeals.py::test_other_agencies_get_404_and_only_the_lead_may_ask"
    ),
    "moderation:appeals": (
        "tests/moderation/test_appeals.py::"
        "test_a_chair_who_took_part_in_the_decision_cannot_decide_the_review"
    ),
    "moderation:appeal": (
        "tests/moderation/test_appeals.py::"
        "test_a_chair_who_took_part_in_the_decision_cannot_decide_the_review"
    ),
    "moderation:decision_draft_pdf": (
        "tests/moderation/test_decision_feedback.py::"
        "test_only_a_chair_who_may_decide_sees_the_draft_preview"
    ),
    "staff:export": "tests/moderation/test_exports.py::test_downloads_are_for_coram_staff_only",
    "staff:email": (
        "tests/moderation/test_notification_log.py::test_the_log_is_for_coram_staff_only"
    ),
    "staff:email_resend": (
        "tests/moderation/test_notification_log.py::test_the_log_is_for_coram_staff_only"
    ),
    "staff:email_preview": (
        "tests/moderation/test_notification_log.py::test_the_log_is_for_coram_staff_only"
    ),
    "staff:people_list": "tests/users/test_people.py::test_people_pages_are_404_outside_staff",
    "staff:people_detail": "tests/users/test_people.py::test_people_pages_are_404_outside_staff",
    "staff:people_remove_staff": (
        "tests/users/test_people.py::test_people_pages_are_404_outside_staff"
    ),
    **{
        name: "tests/renewal/test_action_plans.py::test_who_may_see_and_change_the_plan"
        for name in (
            "agency:action_plan",
            "agency:action_add",
            "agency:action_edit",
            "agency:action_plan_progress",
            "staff:action_plan",
            "moderation:action_plan",
        )
    },
}


def parse_matrix(text: str) -> dict[str, dict[str, str]]:
    """MATRIX as {"namespace:name[@target]": {role: outcome}}."""
    expected: dict[str, dict[str, str]] = {}
    namespace, columns = None, None
    for line in text.strip().splitlines():
        cells = line.split()
        if not cells:
            continue
        if cells[0].startswith("["):
            namespace = cells[0].strip("[]")
            columns = [COLUMNS[cell] for cell in cells[1:]]
            assert sorted(columns) == sorted(ROLES), f"[{namespace}] needs one column per role"
            continue
        case = f"{namespace}:{cells[0]}"
        assert case not in expected, f"{case} appears twice in the matrix"
        assert len(cells) == len(columns) + 1, f"{case}: one cell per role, please"
        expected[case] = dict(zip(columns, cells[1:], strict=True))
    return expected


EXPECTED = parse_matrix(MATRIX)

# Every moderation URL pattern, by its namespaced name, as moderation/urls.py
# declares it (the award pages appended at its end included).
PATTERNS = {
    f"{namespace}:{pattern.name}": pattern
    for namespace, patterns in (
        ("moderation", moderation_urls.moderator_patterns),
        ("staff", moderation_urls.staff_patterns),
        ("agency", moderation_urls.agency_patterns),
    )
    for pattern in patterns
}


def split_case(case: str) -> tuple[str, str, str]:
    """'staff:assignment@rev/pnl' -> ('staff:assignment', 'rev', 'pnl')."""
    name, _, target = case.partition("@")
    own, _, owner = target.partition("/")
    return name, own, owner or own


# --- Building URLs and forms from the world --------------------------------------------------


def url_kwargs(world, case: str) -> dict:
    name, own, owner = split_case(case)
    pattern = PATTERNS[name]
    route = str(pattern.pattern)
    kwargs = {}
    for param in pattern.pattern.converters:
        if param == "pk" and route.startswith("moderators/"):
            profile = "retired" if name == "staff:moderator_reactivate" else "unassigned"
            kwargs[param] = world.profiles[profile].pk
        elif param == "pk" and "awards/" in route:
            kwargs[param] = world.award.pk
        elif param == "pk":
            assert own in TARGETS, f"{case}: the URL names an application; add @target"
            kwargs[param] = world.application(own).pk
        elif param == "file_pk":
            kwargs[param] = world.evidence[owner].pk
        elif param == "assignment_pk":
            kwargs[param] = world.assignments[owner].pk
        elif param == "request_pk":
            assert owner == "rev", f"{case}: only the application in review has a request"
            kwargs[param] = world.information_request.pk
        elif param == "meeting_pk":
            kwargs[param] = world.meetings["pnl"].pk
        elif param == "slug":
            kwargs[param] = world.award.agency.slug
        elif param == "version":
            kwargs[param] = 1
        else:
            raise AssertionError(f"{case}: the matrix does not know the URL parameter {param!r}")
    return kwargs


def url_for(world, case: str) -> str:
    name = split_case(case)[0]
    url = reverse(name, kwargs=url_kwargs(world, case))
    # The name must lead to this module's view, not to a namesake elsewhere.
    assert resolve(url).func == PATTERNS[name].callback, f"{case}: {url} opens another view"
    return url


def date_fields(name: str, day) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def review_fields(application, *, rating: str, **extra) -> dict:
    data = {"recommendation": "full", "summary": "Well evidenced throughout.", **extra}
    for descriptor in application.framework.descriptors.all():
        prefix = f"q{descriptor.number}"
        data[f"{prefix}_rating"] = str(rating)
        data[f"{prefix}_strengths"] = f"Strong practice on {descriptor.code}."
        data[f"{prefix}_areas"] = f"Develop {descriptor.code} further."
    return data


def decision_fields(application, **extra) -> dict:
    data = {
        "outcome": "full",
        "departure_reason": "",
        "rationale": "Every descriptor is well evidenced.",
        **extra,
    }
    for descriptor in application.framework.descriptors.all():
        data[f"strengths_{descriptor.pk}"] = f"The panel praises {descriptor.code}."
        data[f"areas_{descriptor.pk}"] = f"The panel asks for more on {descriptor.code}."
    return data


def form_data(world, case: str) -> dict:
    """What the person allowed to act would post (an empty form where there is
    nothing to fill in, or the page only reads)."""
    name, own, _ = split_case(case)
    application = world.applications.get(own)
    today = timezone.localdate()
    reason = {"reason": "Checked for the permission matrix."}
    forms = {
        "moderation:profile": lambda: {
            "expertise": ["legal"],
            "affiliated_regions": [],
            "biography": "Retired family court judge.",
        },
        "moderation:profile_agencies": lambda: {"agencies": [world.agencies["b"].pk]},
        "moderation:declare": lambda: {"has_conflict": "no"},
        "moderation:review": lambda: review_fields(
            application, rating=Rating.PARTLY_MEETS, action="save"
        ),
        "moderation:amend": lambda: review_fields(
            application,
            rating=Rating.EXCEEDS,
            action="submit",
            reason="I re-read the tracking policy.",
        ),
        "moderation:request_information": lambda: {
            "question_1_descriptor": "",
            "question_1_text": "How many carers did you approve for early permanence?",
            **date_fields("due_on", today + timedelta(days=14)),
        },
        "moderation:decide": lambda: decision_fields(application, meeting=world.meetings["pnl"].pk),
        "moderation:correct_decision": lambda: decision_fields(
            application,
            rationale="Every descriptor is well evidenced, Q4 especially.",
            correction_reason="The rationale left out Q4.",
        ),
        "staff:fee": lambda: {"fee_status": "waived", "reason": "Pilot agency."},
        "staff:eligibility": lambda: {"eligible": "no", "notes": "Outside England."},
        "staff:assign": lambda: {
            "moderator": world.profiles["unassigned"].pk,
            "role": "second",
            **date_fields("due_on", today + timedelta(days=21)),
        },
        "staff:assignment": lambda: date_fields("due_on", today + timedelta(days=30)),
        "staff:assignment_remove": lambda: reason,
        "staff:return": lambda: {"reason": "Please add your 2025 timeliness data."},
        "staff:request_information": lambda: {
            "descriptor_1": "",
            "question_1": "Who chairs your tracking meeting?",
            **date_fields("due_on", today + timedelta(days=14)),
        },
        "staff:meeting_create": lambda: {
            **date_fields("held_on", today),
            "title": "Extra panel",
            "chair": world.profiles["chair"].pk,
        },
        "staff:meeting": lambda: {
            "members_present": [
                world.profiles[name].pk
                for name in ("chair", "panel_member_1", "panel_member_2", "unassigned")
            ],
            "agenda": [world.applications["pnl"].pk],
            "notes": "Quorate for every item.",
        },
        "staff:award_publish": lambda: {"reason": ""},
        "staff:award_unpublish": lambda: reason,
        "staff:award_suspend": lambda: reason,
        "staff:award_reinstate": lambda: reason,
        "staff:award_withdraw": lambda: reason,
        "staff:award_regenerate": lambda: reason,
        "agency:information_request": lambda: {
            f"answer_{question.pk}": "Our head of permanence chairs it."
            for question in world.information_request.questions.all()
        },
    }
    return forms[name]() if name in forms else {}


# The state-changing cases, each with the person whose POST of form_data must
# go through: proof that the refused POSTs above were refused by permission,
# not by a form error. Left out, because the world's state stops the action
# for everyone: moderation:review@rev (the assigned moderator has submitted),
# staff:open_panel@rev (a review is outstanding), staff:award_unpublish (not
# published), staff:award_reinstate (not suspended) and
# agency:information_request@rev (already answered).
ALLOWED_TO_ACT = {
    "moderation:profile": UNASSIGNED,
    "moderation:profile_agencies": UNASSIGNED,
    "moderation:declare@rev": UNDECLARED,
    "moderation:amend@rev": ASSIGNED,
    "moderation:request_information@rev": ASSIGNED,
    "moderation:decide@pnl": CHAIR,
    "moderation:correct_decision@dec": CHAIR,
    "staff:moderator_chair": STAFF,
    "staff:moderator_deactivate": STAFF,
    "staff:moderator_reactivate": STAFF,
    "staff:fee@sub": STAFF,
    "staff:eligibility@sub": STAFF,
    "staff:assign@sub": STAFF,
    "staff:assignment@rev": STAFF,
    "staff:assignment_remove@rev": STAFF,
    "staff:accept@sub": STAFF,
    "staff:return@sub": STAFF,
    "staff:request_information@rev": STAFF,
    "staff:meeting_create": STAFF,
    "staff:meeting": STAFF,
    "staff:award_publish": STAFF,
    "staff:award_suspend": STAFF,
    "staff:award_withdraw": STAFF,
    "staff:award_regenerate": STAFF,
}


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once; rolled back when the module is done."""
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("matrix-files")), "base_url": None},
        },
    }
    quiet = override_settings(
        STORAGES=storages,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with quiet, django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.storages = storages
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _world_files(_isolated_settings, settings, request):
    """tests/conftest.py gives each test an empty file store; these tests read
    the world's files (evidence, the certificate) from the module's store."""
    if "world" in request.fixturenames:
        settings.STORAGES = request.getfixturevalue("world").storages


def sign_in(client, world, role: str):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def finish(response):
    """Read a file response to its end. The test client then closes it the way
    a server would; closing it by hand would also close the database
    connection on PostgreSQL, inside the module's transaction."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def assert_outcome(response, outcome: str, url: str, kwargs: dict, context: str):
    status = finish(response).status_code
    location = response.get("Location", "")
    seen = f"{status} {location}".strip()
    if outcome == "ok":
        assert status == 200, f"{context}: expected 200, got {seen}"
    elif outcome in ("404", "405"):
        assert status == int(outcome), f"{context}: expected {outcome}, got {seen}"
    elif outcome == "login":
        parts = urlsplit(location)
        assert status == 302, f"{context}: expected the sign-in page, got {seen}"
        assert parts.path == reverse("account_login"), f"{context}: sent to {location}"
        assert parse_qs(parts.query).get("next") == [url], f"{context}: sent to {location}"
    else:
        assert status == 302, f"{context}: expected a redirect to {REDIRECTS[outcome]}, got {seen}"
        match = resolve(urlsplit(location).path)
        assert match.view_name == REDIRECTS[outcome], f"{context}: sent to {location}"
        assert match.kwargs.get("pk") == kwargs.get("pk"), f"{context}: sent to {location}"


# --- The matrix is complete and well formed --------------------------------------------------


def test_every_moderation_url_has_a_row_in_the_matrix():
    assert all(pattern.name for pattern in PATTERNS.values()), "every URL needs a name"
    covered = {split_case(case)[0] for case in EXPECTED} | set(COVERED_ELSEWHERE)
    missing = sorted(set(PATTERNS) - covered)
    assert not missing, (
        "These moderation URLs have no row in the permission matrix "
        "(tests/moderation/test_permission_matrix.py): add a row per URL, or name the "
        f"test that checks it in COVERED_ELSEWHERE: {', '.join(missing)}"
    )


def test_every_row_is_a_moderation_url_with_an_outcome_for_every_person():
    unknown = sorted({split_case(case)[0] for case in EXPECTED} - set(PATTERNS))
    assert not unknown, f"rows for URLs moderation/urls.py no longer has: {unknown}"
    for case, row in EXPECTED.items():
        _, own, owner = split_case(case)
        assert {own, owner} <= {"", *TARGETS}, f"{case}: unknown target"
        assert set(row) == set(ROLES), case
        assert set(row.values()) <= OUTCOMES, f"{case}: {set(row.values()) - OUTCOMES}"
        assert row[ANONYMOUS] == "login", f"{case}: anonymous visitors are sent to sign in"
    assert set(ALLOWED_TO_ACT) <= set(EXPECTED)


# --- GET ---------------------------------------------------------------------------------------

CELLS = [(case, role) for case, row in EXPECTED.items() for role in row]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "role"), CELLS, ids=[f"{c}-{r}" for c, r in CELLS])
def test_get(client, world, case, role):
    url = url_for(world, case)
    response = sign_in(client, world, role).get(url)
    assert_outcome(response, EXPECTED[case][role], url, url_kwargs(world, case), f"GET {case}")


# --- POST: refused, and nothing changes -----------------------------------------------------

REFUSED = [
    (case, role) for case, row in EXPECTED.items() for role, out in row.items() if out != "ok"
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "role"), REFUSED, ids=[f"{c}-{r}" for c, r in REFUSED])
def test_post_is_refused_and_changes_nothing(client, world, case, role):
    url = url_for(world, case)
    sign_in(client, world, role)
    before = snapshot()
    response = client.post(url, form_data(world, case))
    expected = EXPECTED[case][role]
    if expected == "404" and response.status_code == 405:
        # A page that only reads may turn a POST away for its method before it
        # looks for the object: that says nothing about the object either.
        expected = "405"
    assert_outcome(response, expected, url, url_kwargs(world, case), f"POST {case}")
    assert changed_tables(before, snapshot()) == [], f"POST {case} as {role} changed data"


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(ALLOWED_TO_ACT))
def test_the_same_post_goes_through_for_the_person_allowed(client, world, case):
    role = ALLOWED_TO_ACT[case]
    assert EXPECTED[case][role] == "ok"
    sign_in(client, world, role)
    before = snapshot()
    response = client.post(url_for(world, case), form_data(world, case))
    assert response.status_code == 302, (
        f"{case} as {role}: the form was not accepted ({response.status_code})"
    )
    assert changed_tables(before, snapshot()), f"{case} as {role} changed nothing"


# --- Links: a page shows a person only moderation links that open for them ------------------

LINK_ROLES = [role for role in ROLES if role != ANONYMOUS]


def moderation_links(response) -> set[str]:
    """The paths of the links on an HTML page that lead to a moderation URL."""
    if getattr(finish(response), "streaming", False) or "text/html" not in response["Content-Type"]:
        return set()
    paths = set()
    for href in lxml_html.fromstring(response.content.decode()).xpath("//a/@href"):
        path = urlsplit(href).path
        if not path.startswith("/"):
            continue
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name in PATTERNS:
            paths.add(path)
    return paths


@pytest.mark.django_db
@pytest.mark.parametrize("role", LINK_ROLES)
def test_every_moderation_link_a_person_is_shown_opens_for_them(client, world, role):
    sign_in(client, world, role)
    shown: dict[str, str] = {}  # link -> the page that showed it
    for case, row in EXPECTED.items():
        if row[role] == "ok":
            for path in moderation_links(client.get(url_for(world, case))):
                shown.setdefault(path, case)
    dead = []
    for path, case in sorted(shown.items()):
        response = finish(client.get(path))
        if response.status_code not in (200, 302):
            dead.append(f"{path} (on {case}): {response.status_code}")
    assert not dead, f"{role} is shown links that do not open: {dead}"
