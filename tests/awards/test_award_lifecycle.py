"""From the issue: "an agency's live award stays current until its successor is
published; publishing the successor supersedes it in the same transaction; the
badge, verification page, register, CSV, JSON and feed agree at every moment",
and "the agency is told when its award is published, suspended, reinstated,
withdrawn or about to lapse"."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse

from applications.selectors.agencies import active_leads_of
from moderation.models.awards import Award
from moderation.models.workflow import Recommendation
from moderation.services.awards import (
    publish_award,
    reinstate_award,
    suspend_award,
    withdraw_award,
)
from moderation.services.expiry import send_expiry_reminders
from qualitymark.notifications.models import SentEmail
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

TICK = "M24 32l6 6 11-12"
ATOM = "{http://www.w3.org/2005/Atom}"


def public_view(client, agency, awards):
    """What each of the six public outputs says about the agency and its awards."""
    badge = client.get(reverse("public:badge", args=[agency.slug])).content.decode()
    register = client.get(reverse("public:register")).content.decode()
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("public:register_csv")).getvalue().decode()))
    )
    document = json.loads(client.get(reverse("public:register_json")).getvalue())
    feed = ET.fromstring(client.get(reverse("public:feed")).content)  # noqa: S314 - our own feed
    entries = {
        entry.find(f"{ATOM}id").text.rpartition("#")[2]: entry.find(f"{ATOM}summary").text
        for entry in feed.iter(f"{ATOM}entry")
    }
    return {
        "badge": badge,
        "register": register,
        "csv": {row["certificate_number"]: row["status"] for row in rows},
        "json": {row["certificate_number"]: row["status"] for row in document["awards"]},
        "feed": entries,
        "verify": {
            award.number: client.get(
                reverse("public:verify", args=[award.verification_token])
            ).content.decode()
            for award in awards
        },
    }


def assert_holds(view, award, *, others=None):
    """Every output says ``award`` is the agency's current award; ``others``
    (number -> expected status) are what the downloads say of its other awards."""
    level = award.get_level_display()
    assert TICK in view["badge"] and f">{level}<" in view["badge"]
    assert f"Valid until {award.expires_on:%-d %b %Y}" in view["badge"]
    assert award.number in view["register"]
    assert view["csv"][award.number] == view["json"][award.number] == "current"
    assert [number for number, status in view["csv"].items() if status == "current"] == [
        award.number
    ]
    assert "Status today: current." in view["feed"][award.number]
    assert "This certificate is valid" in view["verify"][award.number]
    for number, status in (others or {}).items():
        assert view["csv"].get(number) == view["json"].get(number) == status
        assert "This certificate is valid" not in view["verify"][number]


def published(panel, award):
    return publish_award(actor=panel.staff, award=award)


def emails(template, award):
    return SentEmail.objects.filter(template=template, about_id=str(award.pk))


@pytest.mark.parametrize(
    ("first_outcome", "kind", "second_outcome"),
    [
        (Recommendation.WORKING_TOWARDS, "upgrade", Recommendation.FULL),
        (Recommendation.FULL, "renewal", Recommendation.FULL),
    ],
)
def test_no_gap_on_the_register_through_an_upgrade_or_a_renewal(
    client, panel, first_outcome, kind, second_outcome
):
    agency = AgencyFactory()
    first = panel.award(agency=agency, outcome=first_outcome)

    # Decided, not yet published: nothing public, and the badge has no tick.
    view = public_view(client, agency, [first])
    assert TICK not in view["badge"] and "Not on the register" in view["badge"]
    assert first.number not in view["csv"] and first.number not in view["json"]
    assert first.number not in view["feed"]

    first = published(panel, first)
    assert_holds(public_view(client, agency, [first]), first)

    # The successor is decided: the award the agency holds still stands everywhere.
    second = panel.award(agency=agency, kind=kind, outcome=second_outcome)
    assert second.awaits_publication
    view = public_view(client, agency, [first, second])
    assert_holds(view, first)
    assert second.number not in view["csv"] and second.number not in view["feed"]
    assert "This certificate is not on the register yet" in view["verify"][second.number]

    # Published: the successor replaces it, in the same moment, everywhere.
    second = published(panel, second)
    first.refresh_from_db()
    view = public_view(client, agency, [first, second])
    assert_holds(view, second, others={first.number: "superseded"})
    assert "Status today: replaced." in view["feed"][first.number]
    assert f"by certificate {second.number}" in view["verify"][first.number]
    assert first.superseded_by == second

    # The agency's leads were told about each publication.
    leads = sorted(membership.user.email.lower() for membership in active_leads_of(agency))
    for award in (first, second):
        (email,) = emails("award_published", award)
        assert email.recipients == leads
        assert award.number in email.body and award.verify_url in email.body
        assert f"at the {award.get_level_display()} level" in email.body
    assert "replaces your earlier award" in emails("award_published", second).get().body


def test_publishing_the_successor_replaces_a_suspended_award_too(client, panel):
    agency = AgencyFactory()
    first = published(panel, panel.award(agency=agency))
    second = panel.award(agency=agency, kind="renewal")  # applied for while it was current
    suspend_award(actor=panel.staff, award=first, reason="Complaint under review.")
    view = public_view(client, agency, [first, second])
    assert TICK not in view["badge"] and "Suspended" in view["badge"]
    assert view["csv"][first.number] == "suspended"
    second = published(panel, second)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert_holds(public_view(client, agency, [first, second]), second)


def test_the_agency_is_told_when_its_award_is_suspended_reinstated_and_withdrawn(panel):
    award = published(panel, panel.award())
    leads = sorted(m.user.email.lower() for m in active_leads_of(award.agency))
    assert leads
    suspend_award(actor=panel.staff, award=award, reason="A complaint is being looked into.")
    reinstate_award(actor=panel.staff, award=award, reason="The complaint was not upheld.")
    withdraw_award(actor=panel.staff, award=award, reason="The agency closed.")
    for template, reason, words in [
        ("award_suspended", "A complaint is being looked into.", "has suspended"),
        ("award_reinstated", "The complaint was not upheld.", "has reinstated"),
        ("award_withdrawn", "The agency closed.", "has been withdrawn"),
    ]:
        (email,) = emails(template, award)
        assert email.recipients == leads
        assert reason in email.body and words in email.body and award.number in email.body
        assert "qualitymark@coram.org.uk" in email.body


def test_a_refused_change_tells_nobody(panel):
    award = panel.award()
    with pytest.raises(Exception, match="Only a suspended award"):
        reinstate_award(actor=panel.staff, award=award, reason="Nothing to reinstate.")
    assert not SentEmail.objects.filter(template__startswith="award_").exists()


def test_the_agency_is_told_its_award_is_about_to_lapse(panel):
    award = published(panel, panel.award())
    sent = send_expiry_reminders(award.expires_on - timedelta(days=20))
    assert sent == 1
    (email,) = SentEmail.objects.filter(template="award_expiry_reminder")
    assert email.recipients == sorted(m.user.email.lower() for m in active_leads_of(award.agency))
    expires = award.expires_on
    assert email.subject.endswith(f"expires on {expires.day} {expires:%B %Y}")
    assert award.number in email.body
    assert "qualitymark@coram.org.uk" in email.body


def test_a_pending_award_is_never_on_the_register_and_can_be_withdrawn_by_correction(panel):
    agency = AgencyFactory()
    published(panel, panel.award(agency=agency, outcome=Recommendation.WORKING_TOWARDS))
    decision = panel.decide(agency=agency, kind="upgrade", outcome=Recommendation.FULL)
    pending = decision.award
    panel.correct(decision, outcome=Recommendation.NOT_AWARDED, reason="Wrong application.")
    pending.refresh_from_db()
    assert pending.status == "withdrawn" and not pending.is_published
    held = Award.objects.get(agency=agency, status="current")
    assert held.level == "working_towards"
