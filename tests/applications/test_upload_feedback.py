"""What the uploader is told right after an upload: a file the virus check
has already quarantined is not reported as uploaded."""

import pytest

from applications.models.evidence import EvidenceFile
from tests.files import conftest as files_conftest

from . import evidence_support as support
from .evidence_support import text_pdf, upload_on_page

# Committed for real, so the check runs (eagerly) before the page answers, as
# it does when the service runs without a separate worker.
pytestmark = pytest.mark.django_db(transaction=True)

draft = support.draft
clamd_server = files_conftest.clamd_server


@pytest.fixture
def scanner(settings, clamd_server):
    settings.CLAMD_HOST = ""
    settings.CLAMD_SOCKET = clamd_server.socket_path
    settings.CLAMD_TIMEOUT = 30
    return clamd_server


def message_after(client, response) -> str:
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_a_quarantined_upload_is_reported_as_such_not_as_a_success(scanner, lead_client, draft):
    response = upload_on_page(lead_client, draft, "eicar.txt", scanner.infected_sample)
    assert EvidenceFile.objects.get().scan_status == "infected"
    page = message_after(lead_client, response)
    assert "Uploaded eicar.txt" not in page
    assert "eicar.txt contains a virus and has been quarantined" in page


def test_a_clean_upload_is_reported_as_uploaded(scanner, lead_client, draft):
    response = upload_on_page(lead_client, draft, "policy.pdf", text_pdf("Clean evidence"))
    assert EvidenceFile.objects.get().scan_status == "clean"
    assert "Uploaded policy.pdf. Your answer was saved too." in message_after(lead_client, response)
