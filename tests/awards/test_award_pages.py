"""The agency's award pages and Coram staff's award pages."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from moderation.models.awards import AwardStatus, Certificate
from moderation.models.workflow import Recommendation
from moderation.services.awards import publish_award
from moderation.services.certificates import generate_certificate
from qualitymark.audit.models import AuditEvent
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_agency_sees_its_award_with_certificate_and_verification_link(client, panel):
    award = panel.award()
    generate_certificate(award_id=award.pk)
    member = MembershipFactory(agency=award.agency).user
    client.force_login(member)
    response = client.get(reverse("agency:award", args=[award.agency.slug, award.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert award.number in page
    assert reverse("agency:award_certificate", args=[award.agency.slug, award.pk]) in page
    assert award.verify_path in page
    assert "Not yet published" in page
    assert "action plan" not in page.lower()

    client.force_login(MembershipFactory().user)
    url = reverse("agency:award", args=[award.agency.slug, award.pk])
    assert client.get(url).status_code == 404


def test_working_towards_shows_the_action_plan_and_offers_a_prefilled_upgrade(client, panel):
    award = panel.award(outcome=Recommendation.WORKING_TOWARDS, level="working_towards")
    lead = MembershipFactory(agency=award.agency, role="lead").user
    client.force_login(lead)
    page = client.get(reverse("agency:award", args=[award.agency.slug, award.pk])).content.decode()
    assert "Your action plan" in page
    plan_url = reverse("agency:action_plan", args=[award.agency.slug, award.pk])
    assert plan_url in page
    plan = client.get(plan_url).content.decode()
    for feedback in award.decision.feedback.select_related("descriptor"):
        assert feedback.areas_to_develop in plan
    start_url = reverse("agency:application_start", args=[award.agency.slug])
    assert f'action="{start_url}"' in page
    assert 'name="kind" value="upgrade"' in page
    assert f'name="prefill_from" value="{award.application_id}"' in page

    # The button starts the upgrade through the agency's own start page.
    response = client.post(
        start_url,
        {"kind": "upgrade", "level_sought": "full", "prefill_from": award.application_id},
    )
    assert response.status_code == 302
    upgrade = award.agency.applications.get(kind="upgrade")
    assert upgrade.previous_application_id == award.application_id
    assert upgrade.level_sought == "full"


def test_the_dashboard_panel_lists_the_agencys_awards(panel):
    award = panel.award()
    html = Template('{% include "moderation/awards/agency_awards_panel.html" %}').render(
        Context({"agency": award.agency})
    )
    assert award.number in html
    assert reverse("agency:award", args=[award.agency.slug, award.pk]) in html
    assert "Not yet on the register" in html


def test_staff_list_and_detail(client, panel):
    award = panel.award()
    generate_certificate(award_id=award.pk)
    client.force_login(panel.staff)
    listing = client.get(reverse("staff:award_list") + "?published=no").content.decode()
    assert award.number in listing
    assert (
        award.number
        not in client.get(reverse("staff:award_list") + "?published=yes").content.decode()
    )
    detail = client.get(reverse("staff:award", args=[award.pk])).content.decode()
    assert reverse("staff:award_publish", args=[award.pk]) in detail
    assert reverse("staff:award_certificate", args=[award.pk, 1]) in detail
    assert "Award made" in detail

    client.force_login(MembershipFactory(agency=award.agency, role="lead").user)
    assert client.get(reverse("staff:award", args=[award.pk])).status_code == 404


def test_staff_publish_suspend_reinstate_and_withdraw_through_the_pages(client, panel):
    award = panel.award()
    client.force_login(panel.staff)
    for action in ("publish", "unpublish", "suspend", "reinstate", "withdraw", "regenerate"):
        response = client.get(reverse(f"staff:award_{action}", args=[award.pk]))
        assert response.status_code == 200, action
        assert b'name="reason"' in response.content
    response = client.post(reverse("staff:award_publish", args=[award.pk]), {"reason": ""})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.is_published

    # A reason is required: the error is shown and nothing changes.
    response = client.post(reverse("staff:award_suspend", args=[award.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    award.refresh_from_db()
    assert award.status == AwardStatus.CURRENT

    for action, status in (
        ("award_suspend", AwardStatus.SUSPENDED),
        ("award_reinstate", AwardStatus.CURRENT),
        ("award_withdraw", AwardStatus.WITHDRAWN),
    ):
        response = client.post(
            reverse(f"staff:{action}", args=[award.pk]), {"reason": f"Reason for {action}."}
        )
        assert response.status_code == 302, action
        award.refresh_from_db()
        assert award.status == status
    # A withdrawn award stays on the register, marked as withdrawn (an outside audit took
    # one off, and then it could not be put back).
    response = client.post(reverse("staff:award_unpublish", args=[award.pk]), {"reason": "Gone."})
    assert "stays on the register" in response.content.decode()
    award.refresh_from_db()
    assert award.is_published
    actions = set(
        AuditEvent.objects.filter(
            target_type="moderation.award", target_id=str(award.pk)
        ).values_list("action", flat=True)
    )
    assert {
        "award.published",
        "award.suspended",
        "award.reinstated",
        "award.withdrawn",
    } <= actions
    assert "award.unpublished" not in actions


def test_staff_regenerate_the_certificate(
    client, panel, eager_tasks, django_capture_on_commit_callbacks
):
    award = panel.award()
    generate_certificate(award_id=award.pk)
    client.force_login(panel.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:award_regenerate", args=[award.pk]), {"reason": "Name changed."}
        )
    assert response.status_code == 302
    assert list(
        Certificate.objects.filter(award=award)
        .order_by("version")
        .values_list("version", "is_current")
    ) == [(1, False), (2, True)]


def test_anonymous_visitors_are_sent_to_sign_in(client, panel):
    award = panel.award()
    for url in (
        reverse("staff:award", args=[award.pk]),
        reverse("agency:award", args=[award.agency.slug, award.pk]),
        reverse("agency:award_certificate", args=[award.agency.slug, award.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_agency_dashboard_shows_its_awards(client, panel):
    award = panel.award()
    member = MembershipFactory(agency=award.agency).user
    client.force_login(member)
    page = client.get(reverse("agency:dashboard")).content.decode()
    assert "Quality Mark awards" in page
    assert reverse("agency:award", args=[award.agency.slug, award.pk]) in page


def test_awaiting_publication_finds_an_award_not_yet_published(client, panel):
    """An outside audit found "Awaiting publication" empty while an award said "Not
    published"; the public register offered the same option, which no listed award has."""
    waiting = panel.award()
    published = panel.award()
    publish_award(actor=panel.staff, award=published)
    client.force_login(panel.staff)
    page = client.get(reverse("staff:award_list"), {"status": "pending"}).content.decode()
    assert waiting.number in page and published.number not in page
    client.logout()
    register = client.get(reverse("public:register")).content.decode()
    assert 'value="pending"' not in register
