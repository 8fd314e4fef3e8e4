"""Renewal and upgrade only where they make sense: a renewal for an agency
with a current award or one that expired recently, an upgrade only from a live
Working Towards award. The start page offers only those and says why not the
others; the service refuses a forced POST with the same reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.services.submissions import start_application
from moderation.models.awards import AwardStatus
from tests.applications.application_data import Page
from tests.awards.factories import make_award

pytestmark = pytest.mark.django_db


def start_url(agency):
    return reverse("agency:application_start", args=[agency.slug])


def offered(page: Page) -> set[str]:
    return {
        page.attr(element, "value")
        for element in page.elements()
        if page.attr(element, "name") == "kind" and page.attr(element, "type") == "radio"
    }


def refused_by_service(lead, agency, kind) -> str:
    with pytest.raises(ValidationError) as refused:
        start_application(actor=lead, agency=agency, level_sought="full", kind=kind)
    return refused.value.message_dict["kind"][0]


def forced_post(client, agency, kind) -> Page:
    response = client.post(start_url(agency), {"kind": kind, "level_sought": "full"})
    assert response.status_code == 200
    return Page(response)


def test_a_new_agency_may_only_make_a_new_application(lead_client, lead, agency):
    page = Page(lead_client.get(start_url(agency)))
    assert offered(page) == {"new"}
    nothing_to_renew = (
        "Your agency has not held a Quality Mark award, so there is nothing to renew."
    )
    assert page.contains(nothing_to_renew)
    assert page.contains("Only an agency that holds a Working Towards award can apply to upgrade")

    assert refused_by_service(lead, agency, "renewal") == nothing_to_renew
    forced_post(lead_client, agency, "renewal").assert_error("kind", nothing_to_renew)
    forced_post(lead_client, agency, "upgrade").assert_error(
        "kind", "Only an agency that holds a Working Towards award can apply to upgrade to Full."
    )
    assert not agency.applications.exists()


def test_an_agency_holding_full_may_renew_but_not_upgrade(lead_client, lead, agency):
    award = make_award(agency=agency, level="full")
    page = Page(lead_client.get(start_url(agency)))
    assert offered(page) == {"new", "renewal"}
    reason = f"Your agency already holds the Full award ({award.number}): apply to renew it."
    assert page.contains(reason)
    assert page.value("prefill_from") == str(award.application_id)
    forced_post(lead_client, agency, "upgrade").assert_error("kind", reason)

    renewal = start_application(actor=lead, agency=agency, level_sought="full", kind="renewal")
    assert renewal.kind == "renewal"


def test_an_agency_holding_working_towards_may_renew_or_upgrade(lead_client, lead, agency):
    make_award(agency=agency, level="working_towards")
    page = Page(lead_client.get(start_url(agency) + "?kind=upgrade"))
    assert offered(page) == {"new", "renewal", "upgrade"}
    assert page.value("kind") == "upgrade"
    assert not page.contains("Not offered to your agency")

    response = lead_client.post(start_url(agency), {"kind": "upgrade", "level_sought": "full"})
    assert response.status_code == 302
    assert agency.applications.get(status="draft").kind == "upgrade"


def test_an_award_expired_recently_may_be_renewed_not_upgraded(lead_client, lead, agency):
    today = timezone.localdate()
    award = make_award(
        agency=agency,
        level="working_towards",
        status=AwardStatus.EXPIRED,
        awarded_on=today - timedelta(days=3 * 365),
        expires_on=today - timedelta(days=40),
    )
    page = Page(lead_client.get(start_url(agency) + "?kind=renewal"))
    assert offered(page) == {"new", "renewal"}
    assert page.value("kind") == "renewal"
    assert page.contains(f"Your Working Towards award {award.number} expired on")
    assert refused_by_service(lead, agency, "upgrade").endswith("apply to renew it instead.")

    response = lead_client.post(
        start_url(agency),
        {"kind": "renewal", "level_sought": "full", "prefill_from": award.application_id},
    )
    assert response.status_code == 302
    renewal = agency.applications.get(status="draft")
    assert renewal.previous_application_id == award.application_id


def test_an_award_expired_long_ago_needs_a_new_application(lead_client, lead, agency, settings):
    today = timezone.localdate()
    award = make_award(
        agency=agency,
        status=AwardStatus.EXPIRED,
        awarded_on=today - timedelta(days=5 * 365),
        expires_on=today - timedelta(days=400),
    )
    page = Page(lead_client.get(start_url(agency)))
    assert offered(page) == {"new"}
    reason = refused_by_service(lead, agency, "renewal")
    assert reason.startswith(f"Your award {award.number} expired on")
    assert "more than 12 months ago" in reason
    forced_post(lead_client, agency, "renewal").assert_error("kind", reason)

    # The window is a setting.
    settings.QUALITYMARK = {**settings.QUALITYMARK, "RENEWAL_WINDOW_MONTHS": 18}
    renewal = start_application(actor=lead, agency=agency, level_sought="full", kind="renewal")
    assert renewal.kind == "renewal"


def test_a_suspended_or_withdrawn_award_cannot_be_renewed(lead, agency):
    award = make_award(agency=agency, status=AwardStatus.SUSPENDED)
    assert "is suspended" in refused_by_service(lead, agency, "renewal")
    award.status = AwardStatus.WITHDRAWN
    award.save(update_fields=["status"])
    assert "was withdrawn" in refused_by_service(lead, agency, "renewal")
