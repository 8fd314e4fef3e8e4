"""Downloading evidence: only through the permission-checked view, as an
attachment, audited; with S3, as a redirect to a short-lived signed URL."""

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models.agencies import Membership
from applications.models.evidence import EvidenceFile
from applications.services.evidence import add_evidence_file, check_evidence, remove_evidence_file
from applications.services.submissions import start_application
from qualitymark.audit.models import AuditEvent
from qualitymark.users.roles import forget_roles
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.files import conftest as files_conftest
from tests.files.test_storage import http_get

from . import evidence_support as support
from .evidence_support import (
    SECTION,
    download_url,
    sha256,
    text_pdf,
    upload_on_page,
)
from .helpers import make_moderator, make_staff

pytestmark = pytest.mark.django_db

# Fixtures shared with the other evidence tests.
draft = support.draft
member = support.member
member_client = support.member_client
moto_endpoint = files_conftest.moto_endpoint  # a local moto S3 server
s3_storage = files_conftest.s3_storage

DOCUMENT = text_pdf("Our early permanence policy, reviewed in 2025.")


@pytest.fixture
def no_scanner(settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""


def add_checked_file(actor, application, name="policy.pdf", data=DOCUMENT, key=SECTION):
    evidence = add_evidence_file(
        actor=actor,
        application=application,
        section_key=key,
        uploaded_file=SimpleUploadedFile(name, data),
    )
    check_evidence(evidence.pk)
    evidence.refresh_from_db()
    assert evidence.scan_status == "not_scanned"
    return evidence


@pytest.fixture
def evidence(no_scanner, lead, draft):
    return add_checked_file(lead, draft)


def lock(application):
    """As after submit_application (the full flow is tested in test_application_flow)."""
    application.status = "submitted"
    application.reference = f"EPQM-TEST-{application.pk}"
    application.save(update_fields=["status", "reference"])


def streamed(response) -> bytes:
    # Reading to the end closes the response (the test client wraps it so that
    # closing does not close the test's database connection, as close() would).
    return b"".join(response.streaming_content)


def downloads() -> int:
    return AuditEvent.objects.filter(action="evidence.downloaded").count()


# --- The response -------------------------------------------------------------------------------


def test_a_download_is_an_attachment_that_is_not_sniffed_or_cached(lead_client, lead, evidence):
    response = lead_client.get(download_url(evidence))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="policy.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    body = streamed(response)
    assert body == DOCUMENT
    assert hashlib.sha256(body).hexdigest() == evidence.sha256


def test_every_download_is_audited(lead_client, lead, evidence):
    for _ in range(2):
        streamed(lead_client.get(download_url(evidence)))
    events = AuditEvent.objects.filter(action="evidence.downloaded")
    assert events.count() == 2
    event = events.first()
    assert event.actor == lead
    assert event.target_id == str(evidence.application_id)
    assert event.changes == {
        "file": evidence.pk,
        "sha256": evidence.sha256,
        "signed_url": False,
    }


def test_a_text_file_holding_markup_is_served_as_plain_text_attachment(
    no_scanner, lead, lead_client, draft
):
    # Pages, SVG and scripts are refused at upload (test_hostile_uploads); tags that
    # remain allowed in text are still never rendered.
    page = b"Minutes of the <b>panel</b> meeting <i onmouseover=alert(1)>notes</i>"
    evidence = add_checked_file(lead, draft, name="notes.txt", data=page)
    response = lead_client.get(download_url(evidence))
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert streamed(response) == page


def test_a_name_outside_ascii_is_kept_in_the_download(no_scanner, lead, lead_client, draft):
    evidence = add_checked_file(lead, draft, name="Café résumé “final”.pdf")
    response = lead_client.get(download_url(evidence))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "Caf%C3%A9%20r%C3%A9sum%C3%A9" in disposition
    streamed(response)


def test_a_file_missing_from_storage_is_not_found_and_not_audited(lead_client, evidence):
    from qualitymark.files.storage import delete_private_file

    delete_private_file(evidence.storage_key)
    assert lead_client.get(download_url(evidence)).status_code == 404
    assert downloads() == 0


def test_only_get_is_allowed(lead_client, evidence):
    assert lead_client.post(download_url(evidence)).status_code == 405
    assert downloads() == 0


def test_the_section_page_links_to_the_download(lead_client, draft, evidence):
    page = lead_client.get(reverse("agency:section", args=[draft.pk, SECTION])).content.decode()
    assert f'href="{download_url(evidence)}"' in page


# --- Who may download -------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, evidence):
    response = client.get(download_url(evidence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert downloads() == 0


def test_a_member_of_the_agency_can_download(member_client, member, evidence):
    response = member_client.get(download_url(evidence))
    assert response.status_code == 200
    assert streamed(response) == DOCUMENT
    assert AuditEvent.objects.get(action="evidence.downloaded").actor == member


def test_the_agency_lead_can_download(lead_client, evidence):
    response = lead_client.get(download_url(evidence))
    assert response.status_code == 200
    streamed(response)


def test_members_can_still_download_after_submission(member_client, lead, draft, evidence):
    lock(draft)
    response = member_client.get(download_url(evidence))
    assert response.status_code == 200
    streamed(response)


def test_a_member_of_another_agency_gets_not_found(client, evidence):
    outsider = MembershipFactory(role="lead").user
    client.force_login(outsider)
    assert client.get(download_url(evidence)).status_code == 404
    assert downloads() == 0


def test_a_former_member_gets_not_found(client, agency, evidence):
    former = MembershipFactory(agency=agency, role="member", is_active=False).user
    client.force_login(former)
    assert client.get(download_url(evidence)).status_code == 404


def test_nobody_downloads_from_a_deactivated_agency(lead_client, agency, evidence):
    agency.is_active = False
    agency.save(update_fields=["is_active"])
    assert lead_client.get(download_url(evidence)).status_code == 404


def test_a_moderator_with_no_relation_to_the_application_gets_not_found(client, evidence):
    moderator = make_moderator().user
    client.force_login(moderator)
    assert client.get(download_url(evidence)).status_code == 404
    assert downloads() == 0


def test_coram_staff_do_not_download_through_the_agency_url(client, evidence):
    """The agency URL is for the agency's members. Coram staff (and assigned
    moderators) will download through their own pages, built later, which call
    the same file_response and record_download after their own checks."""
    staff = make_staff()
    client.force_login(staff)
    assert client.get(download_url(evidence)).status_code == 404
    assert downloads() == 0


def test_a_user_with_no_role_gets_not_found(client, evidence):
    client.force_login(UserFactory())
    assert client.get(download_url(evidence)).status_code == 404


def test_a_removed_file_is_not_found(lead, lead_client, evidence):
    remove_evidence_file(actor=lead, evidence=evidence)
    assert lead_client.get(download_url(evidence)).status_code == 404
    assert downloads() == 0


def test_a_file_of_another_application_is_not_found_under_this_ones_url(
    no_scanner, client, lead, draft, evidence
):
    # Someone who belongs to both agencies still cannot mix the two up.
    other_agency = AgencyFactory()
    MembershipFactory(agency=other_agency, user=lead, role=Membership.Role.LEAD)
    forget_roles(lead)
    other = start_application(actor=lead, agency=other_agency, level_sought="full", kind="new")
    theirs = add_checked_file(lead, other, name="theirs.pdf")
    client.force_login(lead)
    assert client.get(download_url(theirs, application=draft)).status_code == 404
    assert client.get(download_url(evidence, application=other)).status_code == 404
    assert client.get(download_url(theirs)).status_code == 200
    assert downloads() == 1


def test_files_not_ready_are_not_found(no_scanner, lead, lead_client, draft):
    for status in ("pending", "infected", "error"):
        evidence = add_checked_file(lead, draft, name=f"{status}.pdf")
        EvidenceFile.objects.filter(pk=evidence.pk).update(scan_status=status)
        assert lead_client.get(download_url(evidence)).status_code == 404, status
    assert downloads() == 0


# --- With S3 ----------------------------------------------------------------------------------


def test_with_s3_an_upload_goes_to_the_bucket_and_a_download_is_a_short_signed_url(
    s3_storage, no_scanner, settings, lead_client, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_on_page(lead_client, draft, "Tracking report.pdf", DOCUMENT)
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.scan_status == "not_scanned"
    assert "Our early permanence policy" in evidence.extracted_text

    stored = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=evidence.storage_key)
    assert sha256(stored["Body"].read()) == evidence.sha256 == sha256(DOCUMENT)
    listing = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)
    assert [item["Key"] for item in listing["Contents"]] == [evidence.storage_key]
    assert "Tracking" not in evidence.storage_key

    response = lead_client.get(download_url(evidence))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    assert url.startswith(f"{s3_storage.endpoint}/{s3_storage.bucket}/{evidence.storage_key}?")
    query = parse_qs(urlsplit(url).query)
    assert "X-Amz-Signature" in query
    assert 0 < int(query["X-Amz-Expires"][0]) <= settings.SIGNED_URL_SECONDS == 120
    assert query["response-content-disposition"] == ['attachment; filename="Tracking report.pdf"']

    status, headers, body = http_get(url)
    assert status == 200
    assert body == DOCUMENT
    assert headers["Content-Disposition"] == 'attachment; filename="Tracking report.pdf"'
    assert headers["Content-Type"] == "application/pdf"

    event = AuditEvent.objects.get(action="evidence.downloaded")
    assert event.changes["signed_url"] is True


def test_with_s3_a_removed_file_is_deleted_from_the_bucket(
    s3_storage, no_scanner, lead, draft, django_capture_on_commit_callbacks
):
    evidence = add_checked_file(lead, draft)
    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence_file(actor=lead, evidence=evidence)
    listing = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)
    assert listing.get("KeyCount", 0) == 0


def test_with_s3_people_outside_the_agency_get_no_signed_url(
    s3_storage, no_scanner, client, lead, draft
):
    evidence = add_checked_file(lead, draft)
    client.force_login(MembershipFactory(role="lead").user)
    response = client.get(download_url(evidence))
    assert response.status_code == 404
    assert "Location" not in response
