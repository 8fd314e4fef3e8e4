"""Certificates: what the PDF says, where its QR code goes, and that making
one is idempotent, even when the job runs twice at once."""

import io
import logging
import shutil
import subprocess
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from moderation.certificates import certificate_context, image_data_uri, render_certificate_pdf
from moderation.models.awards import Certificate
from moderation.services.certificates import (
    certificate_key,
    generate_certificate,
    regenerate_certificate,
)
from moderation.tasks import make_certificate
from qualitymark.files.pdf import qr_code_png_data_uri
from qualitymark.files.storage import open_private_file
from tests.factories import MembershipFactory, UserFactory

from .factories import make_award


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def stored_bytes(certificate) -> bytes:
    with open_private_file(certificate.storage_key) as handle:
        return handle.read()


def decode_qr_codes(pdf: bytes, tmp_path) -> list[str]:
    """Rasterise the PDF's first page with pdftoppm (poppler-utils) and decode
    every QR code on it with zxing-cpp."""
    import zxingcpp
    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed to read the QR code"
    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603 - a fixed program on our own file
        [pdftoppm, "-png", "-r", "150", "-f", "1", "-l", "1", str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    image = Image.open(next(tmp_path.glob("page*.png")))
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.mark.django_db
def test_the_certificate_names_agency_level_number_and_dates(panel, tmp_path):
    award = panel.award(outcome="working_towards")
    certificate = generate_certificate(award_id=award.pk)
    text = pdf_text(stored_bytes(certificate))
    assert award.agency.name in text
    assert "Working Towards" in text
    assert award.number in text
    assert f"Awarded on {award.awarded_on:%-d %B %Y}" in text
    assert f"Valid until {award.expires_on:%-d %B %Y}" in text
    assert certificate.storage_key == f"certificates/{award.number}/v1.pdf"
    assert certificate.size == len(stored_bytes(certificate))


@pytest.mark.django_db
def test_the_qr_code_opens_the_verification_page(tmp_path):
    award = make_award()
    verify_url = "https://qualitymark.example" + reverse(
        "public:verify", args=[award.verification_token]
    )
    assert award.verify_url == verify_url
    # The certificate embeds exactly the image segno makes for that URL ...
    assert certificate_context(award)["qr_code"] == qr_code_png_data_uri(verify_url)
    # ... and a scanner reading the printed page lands on it.
    pdf = render_certificate_pdf(award)
    assert decode_qr_codes(pdf, tmp_path) == [verify_url]


@pytest.mark.django_db
def test_a_planted_file_url_in_the_certificate_template_is_not_loaded(settings, tmp_path, caplog):
    folder = tmp_path / "templates"
    (folder / "pdf").mkdir(parents=True)
    (folder / "pdf" / "planted_certificate.html").write_text(
        '{% extends "pdf/certificate.html" %}'
        "{% block content %}{{ block.super }}"
        '<img src="file:///etc/passwd" alt="planted">'
        '<img src="https://tracker.invalid/pixel.png" alt="tracker">'
        "{% endblock %}"
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [folder, *engine["DIRS"]]}]
    award = make_award()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_certificate_pdf(award, template_name="pdf/planted_certificate.html")
    text = pdf_text(pdf)
    assert award.agency.name in text and award.number in text
    assert "root:" not in text
    assert "Failed to load image at 'file:///etc/passwd'" in caplog.text
    assert "tracker.invalid" in caplog.text  # refused, not fetched


@pytest.mark.django_db
def test_generating_twice_leaves_one_current_certificate():
    award = make_award()
    first = make_certificate(award.pk)
    second = make_certificate(award.pk)  # delivered again
    assert first == second == {"award": award.pk, "version": 1}
    assert Certificate.objects.filter(award=award).count() == 1


@pytest.mark.django_db
def test_regenerating_makes_a_new_version_and_keeps_the_old(
    panel, django_capture_on_commit_callbacks, eager_tasks
):
    award = make_award()
    generate_certificate(award_id=award.pk)
    with django_capture_on_commit_callbacks(execute=True):
        regenerate_certificate(
            actor=panel.staff, award=award, reason="The agency changed its name."
        )
    # The same request delivered again changes nothing.
    make_certificate(award.pk, replaces_version=1, reason="again")
    certificates = list(Certificate.objects.filter(award=award).order_by("version"))
    assert [(c.version, c.is_current) for c in certificates] == [(1, False), (2, True)]
    assert certificates[1].reason == "The agency changed its name."
    assert certificates[1].requested_by == panel.staff
    assert certificates[1].storage_key == certificate_key(award, 2)
    assert stored_bytes(certificates[0])[:4] == b"%PDF"  # the old one is kept


@pytest.mark.django_db
def test_a_leftover_file_from_a_failed_attempt_is_replaced():
    from django.core.files.base import ContentFile

    from qualitymark.files.storage import private_storage

    award = make_award()
    private_storage().save(certificate_key(award, 1), ContentFile(b"half-written"))
    certificate = generate_certificate(award_id=award.pk)
    assert certificate.storage_key == certificate_key(award, 1)
    assert stored_bytes(certificate)[:4] == b"%PDF"


@pytest.mark.django_db
def test_the_database_refuses_a_second_current_certificate():
    award = make_award()
    generate_certificate(award_id=award.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            award=award, version=2, storage_key="x", sha256="0", size=1, is_current=True
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_leave_one_current_certificate():
    award = make_award()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(replaces_version):
        try:
            barrier.wait(timeout=10)
            results.append(make_certificate(award.pk, replaces_version=replaces_version))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    for replaces_version in (0, 1):  # first issue, then a regeneration, each twice at once
        threads = [threading.Thread(target=run, args=(replaces_version,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert [result["version"] for result in results] == [1, 1, 2, 2]
    certificates = Certificate.objects.filter(award=award)
    assert certificates.count() == 2
    assert list(certificates.filter(is_current=True).values_list("version", flat=True)) == [2]


@pytest.mark.django_db
def test_agency_members_and_staff_download_it_and_nobody_else(client, panel):
    award = panel.award()
    generate_certificate(award_id=award.pk)
    member = MembershipFactory(agency=award.agency).user
    url = reverse("agency:award_certificate", args=[award.agency.slug, award.pk])

    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content)[:4] == b"%PDF"

    client.force_login(MembershipFactory().user)  # another agency
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404

    client.force_login(panel.staff)
    staff_url = reverse("staff:award_certificate", args=[award.pk, 1])
    assert client.get(staff_url).status_code == 200
    assert client.get(reverse("staff:award_certificate", args=[award.pk, 2])).status_code == 404


def _structure_types(node, seen=None) -> set[str]:
    """Every structure type (/S) in a tagged PDF's structure tree."""
    seen = set() if seen is None else seen
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure_types(child, seen)
        return seen
    if not hasattr(node, "get"):
        return seen
    if "/S" in node:
        seen.add(str(node["/S"]))
    if "/K" in node:
        _structure_types(node["/K"], seen)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", "https://qualitymark.coram.org.uk"])
def test_the_verification_address_stays_whole_on_one_line(settings, site_url):
    settings.SITE_URL = site_url
    award = make_award(
        name="The Royal Borough of Kensington and Chelsea Fostering and Adoption Service"
    )
    lines = pdf_text(render_certificate_pdf(award)).splitlines()
    assert any(award.verify_url in line for line in lines), lines


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("level", "phrase"),
    [("full", "at the Full level"), ("working_towards", "at the Working Towards level")],
)
def test_the_certificate_reads_naturally(level, phrase):
    text = " ".join(pdf_text(render_certificate_pdf(make_award(level=level))).split())
    assert f"has been awarded the Quality Mark {phrase}" in text
    assert "at the level" not in text


@pytest.mark.django_db
def test_the_certificate_is_a_tagged_pdf_with_a_heading():
    reader = PdfReader(io.BytesIO(render_certificate_pdf(make_award())))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    types = _structure_types(root["/StructTreeRoot"])
    assert "/H1" in types
    assert "/Table" in types


@pytest.mark.django_db
def test_the_certificate_shows_the_configured_logo_and_signature(settings, tmp_path):
    from PIL import Image

    logo = tmp_path / "scheme-logo.png"
    Image.new("RGB", (40, 40), "#4a2a6b").save(logo)
    settings.CERTIFICATE_LOGO_PATH = str(logo)
    settings.CERTIFICATE_SIGNER_NAME = "Jo Bloggs"
    settings.CERTIFICATE_SIGNER_ROLE = "Chair of the panel"
    award = make_award()
    context = certificate_context(award)
    assert context["logo"].startswith("data:image/png;base64,")
    data = render_certificate_pdf(award)
    text = pdf_text(data)
    assert "Jo Bloggs" in text and "Chair of the panel" in text
    page = PdfReader(io.BytesIO(data)).pages[0]
    sizes = {(image.image.width, image.image.height) for image in page.images}
    assert (40, 40) in sizes  # the configured logo, not the seal


@pytest.mark.django_db
def test_without_a_signer_the_certificate_has_no_signature_block(settings):
    settings.CERTIFICATE_SIGNATURE_PATH = ""
    settings.CERTIFICATE_SIGNER_NAME = ""
    settings.CERTIFICATE_SIGNER_ROLE = ""
    text = pdf_text(render_certificate_pdf(make_award()))
    assert "(demo)" not in text and "Chair, Early Permanence" not in text


def test_the_demo_signs_certificates_with_a_made_up_name(settings):
    assert not settings.PRODUCTION
    assert "(demo)" in settings.CERTIFICATE_SIGNER_NAME
    assert settings.CERTIFICATE_SIGNATURE_PATH.endswith("demo-signature.svg")


def test_a_replaced_logo_is_read_again(tmp_path):
    """The configured images are kept between renders, but a file replaced on
    disk (a new logo) is what the next certificate shows."""
    import os

    logo = tmp_path / "logo.png"
    logo.write_bytes(b"first logo")
    first = image_data_uri(str(logo))
    assert image_data_uri(str(logo)) == first
    logo.write_bytes(b"second logo")
    os.utime(logo, ns=(logo.stat().st_atime_ns, logo.stat().st_mtime_ns + 1_000_000_000))
    second = image_data_uri(str(logo))
    assert second != first and second.startswith("data:image/png;base64,")
    assert image_data_uri("") == ""


@pytest.mark.django_db
def test_a_withdrawn_or_suspended_awards_certificate_is_not_handed_to_the_agency(client, panel):
    """An outside audit downloaded a withdrawn award's certificate, which still read "Valid
    until 5 December 2029"; staff keep their copy."""
    from moderation.services.awards import suspend_award, withdraw_award

    award = panel.award()
    generate_certificate(award_id=award.pk)
    member = MembershipFactory(agency=award.agency).user
    url = reverse("agency:award_certificate", args=[award.agency.slug, award.pk])
    page_url = reverse("agency:award", args=[award.agency.slug, award.pk])
    client.force_login(member)
    assert client.get(url).status_code == 200
    for change in (suspend_award, withdraw_award):
        award = change(actor=panel.staff, award=award, reason="An audit.")
        client.force_login(member)
        assert client.get(url).status_code == 404
        page = client.get(page_url).content.decode()
        assert "can no longer be downloaded" in page and url not in page
    client.force_login(panel.staff)
    assert client.get(reverse("staff:award_certificate", args=[award.pk, 1])).status_code == 200
