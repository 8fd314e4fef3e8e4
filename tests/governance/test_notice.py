"""The privacy notice and the cookie page say what the code does: they are
rendered from the retention schedule, the settings and the file-checking code
the service runs on, and the cookies a real journey receives are the ones listed."""

import pytest
from django.urls import reverse
from lxml import html

from applications.selectors.submissions import SCANNED_FILE_KINDS
from applications.services.evidence import TEXT_KINDS
from qualitymark.audit.models import AuditEvent
from qualitymark.files.validation import ALLOWED_TYPES
from qualitymark.governance.models import RetentionRule
from qualitymark.governance.notice import file_checking
from tests.accounts.helpers import sign_in
from tests.awards.builders import Panel
from tests.factories import MembershipFactory
from tests.moderation.builders import staff_user

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(html.fromstring(response.content).text_content().split())


def _schedule_rows(response) -> list[list[str]]:
    tree = html.fromstring(response.content)
    return [
        [" ".join(cell.text_content().split()) for cell in row.findall("td")]
        for row in tree.get_element_by_id("retention-schedule").iter("tr")
        if row.findall("td")
    ]


def test_the_notice_prints_the_retention_schedule_from_the_same_rows_the_job_reads(client):
    rows = _schedule_rows(client.get(reverse("core:privacy")))
    assert rows == [
        [r.records, f"{r.period_display} from {r.starts_from}", r.get_action_display(), r.why]
        for r in RetentionRule.objects.all()
    ]
    assert rows[0][1] == "6 years from the end of the award, or the decision if no award was made"
    assert rows[3][1] == (
        "2 years from the last sign-in, or the account's creation if it was never used"
    )


def test_staff_change_a_period_and_the_notice_and_the_job_follow(client):
    staff = staff_user()
    client.force_login(staff)
    rule = RetentionRule.objects.get(key="unused-accounts")
    url = reverse("staff:retention_rule_edit", args=[rule.key])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "records": rule.records,
            "starts_from": rule.starts_from,
            "period_months": 18,
            "why": rule.why,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.period_months == 18
    # What the records are and when the period starts are the job's, not typed (an outside
    # audit changed "counted from" and the notice said what the job does not do).
    response = client.post(
        url, {"starts_from": "the day we feel like it", "period_months": 18, "why": rule.why}
    )
    rule.refresh_from_db()
    assert rule.starts_from != "the day we feel like it"
    assert rule.starts_from in _text(client.get(url))
    assert "1 year and 6 months from the last sign-in" in _text(client.get(reverse("core:privacy")))
    event = AuditEvent.objects.get(action="retention.rule_changed")
    assert event.changes == {"period_months": [24, 18]} and event.actor == staff
    assert "(before" in _text(client.get(reverse("staff:retention")))


def test_the_staff_retention_page_is_for_staff_only(client):
    client.force_login(MembershipFactory(role="lead").user)
    assert client.get(reverse("staff:retention")).status_code == 404
    assert (
        client.get(reverse("staff:retention_rule_edit", args=["unused-accounts"])).status_code
        == 404
    )


def test_the_notice_names_the_files_that_are_never_searched_as_the_code_decides(client):
    checking = file_checking()
    label = {kind: t.label.split(" ", 1)[1] + "s" for kind, t in ALLOWED_TYPES.items()}
    # The applications' check covers exactly the kinds the notice says are searched or
    # looked at by a person; every other kind is named as not checked.
    covered = {label[kind] for kind in SCANNED_FILE_KINDS if kind in label}
    assert covered == set(checking["searched"]) | set(checking["looked_at"])
    assert {label[kind] for kind in TEXT_KINDS if kind in label} == covered
    assert set(checking["not_searched"]) == set(label.values()) - covered
    page = html.fromstring(client.get(reverse("core:privacy")).content)
    if checking["not_searched"]:
        paragraph = page.get_element_by_id("files-not-searched").text_content()
        assert all(name in paragraph for name in checking["not_searched"])
        assert not any(name in paragraph for name in covered)
    searched_text = " ".join(page.text_content().split())
    assert ", ".join(checking["searched"]) in searched_text


def test_the_notice_does_not_claim_encryption_or_signed_links_for_the_local_folder(client):
    text = _text(client.get(reverse("core:privacy")))
    assert "encrypts" not in text and "stops working after" not in text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The period must be at least 1 month"),
        ("-3", "The period must be at least 1 month"),
        ("241", "The period must be 240 months (20 years) or less"),
        ("abc", "Enter the period as a whole number of months"),
        ("9" * 30, "The period must be 240 months (20 years) or less"),
    ],
)
def test_a_period_that_is_not_a_number_of_months_gets_one_clear_message(client, typed, message):
    client.force_login(staff_user())
    rule = RetentionRule.objects.get(key="unused-accounts")
    url = reverse("staff:retention_rule_edit", args=[rule.key])
    data = {"records": rule.records, "starts_from": rule.starts_from, "why": rule.why}
    response = client.post(url, {**data, "period_months": typed})
    assert response.status_code == 200
    page = _text(response)
    assert "There is a problem" in page and page.count(message) == 2  # summary and field
    assert RetentionRule.objects.get(key="unused-accounts").period_months == rule.period_months


def test_every_cookie_a_signed_in_journey_receives_is_on_the_cookie_page(client, settings):
    settings.SESSION_COOKIE_AGE = 3600
    lead = MembershipFactory(role="lead").user
    received, max_ages = set(), {}
    for response in (
        client.get(reverse("core:home")),
        client.get(reverse("account_login")),
        sign_in(client, lead.email),
        client.get(reverse("core:dashboard"), follow=True),
        client.get(reverse("core:cookies")),
        client.post(reverse("account_logout")),
    ):
        received |= set(response.cookies)
        max_ages |= {
            name: int(morsel["max-age"])
            for name, morsel in response.cookies.items()
            if morsel["max-age"] and int(morsel["max-age"]) > 0
        }
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME} <= received

    page = client.get(reverse("core:cookies"))
    rows = {
        row.findall("td")[0].text_content(): row.findall("td")[2].text_content()
        for row in html.fromstring(page.content).get_element_by_id("cookies").iter("tr")
        if row.findall("td")
    }
    assert received <= set(rows)
    assert rows[settings.SESSION_COOKIE_NAME] == "1\xa0hour"
    assert max_ages[settings.CSRF_COOKIE_NAME] == settings.CSRF_COOKIE_AGE
    for name, max_age in max_ages.items():
        assert _seconds(rows[name]) == max_age, (name, rows[name], max_age)


UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "year": 365 * 86400}


def _seconds(lifetime: str) -> int:
    """'52 weeks' -> 31449600, as a reader would take the cookie page's words."""
    count, unit = lifetime.replace("\xa0", " ").split()
    return int(count) * UNIT_SECONDS[unit.rstrip("s")]


@pytest.mark.parametrize(
    ("seconds", "written"),
    [
        (3600, "1 hour"),
        (8 * 3600, "8 hours"),
        (31449600, "52 weeks"),
        (365 * 86400, "1 year"),
        (14 * 86400, "2 weeks"),
        (90 * 60, "90 minutes"),
        (5000, "about 1 hour"),
        (59, "about 1 minute"),
    ],
)
def test_a_cookies_lifetime_is_written_exactly_or_said_to_be_about(seconds, written):
    from qualitymark.core.dates import duration_words

    assert duration_words(seconds).replace("\xa0", " ") == written


def test_the_register_and_verification_pages_set_no_cookies(client, framework):
    award = Panel().published_award()
    verify = reverse("public:verify", args=[award.verification_token])
    for url in (reverse("public:register"), verify):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, (url, list(response.cookies))


def test_the_notice_says_what_is_kept_of_each_e_mail_as_the_model_holds_it(client):
    from qualitymark.governance.retention import has_field
    from qualitymark.notifications.models import SentEmail

    text = _text(client.get(reverse("core:privacy")))
    if has_field(SentEmail, "body"):
        assert "who it went to, its subject and its text." in text
    else:
        assert "who it went to and its subject." in text
