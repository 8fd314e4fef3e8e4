"""Answers to an information request, and the files sent with them, go through the
identifier check before they are sent: a GOV.UK warning names each finding and links to
it, nothing is sent until an agency lead has checked them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from moderation.models.workflow import InformationRequest
from qualitymark.audit.models import AuditEvent
from tests.factories import MembershipFactory

from .test_agency_pages import answers, asked, request_url  # noqa: F401
from .test_panel_pages import login, page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_people_names():
    """Portal users' names are allowed by the check, and the factories pick them at random:
    a user called "Kerry ..." would hide the planted "Kerry". Fixed, the names never vary."""
    import factory.random

    factory.random.reseed_random("identifier-check")


IDENTIFYING = "Baby Amelia Jones was placed with her carers at four days old."


def _warning(response) -> str:
    tree = page(response)
    return tree.get_element_by_id("identifier-warning").text_content()


def test_an_answer_naming_a_child_is_not_sent_until_a_lead_checks_it(client, asked):  # noqa: F811
    application, _, request, member = asked
    first = request.questions.first()
    login(client, member)
    url = request_url(application, request)
    data = answers(request, **{f"answer_{first.pk}": IDENTIFYING})

    response = client.post(url, data)
    assert response.status_code == 200
    warning = _warning(response)
    assert "We found 1 possible identifier" in warning and "Amelia Jones" in warning
    link = page(response).xpath('//ul[@id="identifier-warning-list"]//a/@href')
    assert link == [f"#id_answer_{first.pk}"]
    assert "Ask an agency lead" in response.content.decode()
    assert InformationRequest.objects.get(pk=request.pk).status == "open"
    # A member cannot wave it through.
    client.post(url, {**data, "identifiers_checked": "yes"})
    assert InformationRequest.objects.get(pk=request.pk).status == "open"

    lead = MembershipFactory(agency=application.agency, role="lead").user
    login(client, lead)
    assert client.post(url, {**data, "identifiers_checked": "yes"}).status_code == 302
    assert InformationRequest.objects.get(pk=request.pk).status == "answered"
    event = AuditEvent.objects.get(action="information_request.identifiers_confirmed")
    assert "Amelia" not in str(event.changes)


def test_a_file_and_its_name_are_checked_before_sending(
    client,
    asked,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    application, _, request, member = asked
    login(client, member)
    url = request_url(application, request)
    upload = SimpleUploadedFile("Kerry_Dobson_letter.txt", IDENTIFYING.encode(), "text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**answers(request), "files": [upload]})
    assert response.status_code == 200
    warning = _warning(response)
    assert "Kerry Dobson" in warning  # the file's name
    assert "Amelia Jones" in warning  # the file's text
    assert InformationRequest.objects.get(pk=request.pk).status == "open"


def test_saving_a_draft_with_an_identifier_warns_at_once(client, asked):  # noqa: F811
    application, _, request, member = asked
    first = request.questions.first()
    login(client, member)
    response = client.post(
        request_url(application, request),
        {**answers(request, **{f"answer_{first.pk}": IDENTIFYING}), "save_draft": "1"},
    )
    assert response.status_code == 200
    assert "Amelia Jones" in _warning(response)
    first.refresh_from_db()
    assert first.draft_answer == IDENTIFYING  # saved, not sent


def test_clean_answers_are_sent_without_a_warning(client, asked):  # noqa: F811
    application, _, request, member = asked
    login(client, member)
    assert client.post(request_url(application, request), answers(request)).status_code == 302
    assert InformationRequest.objects.get(pk=request.pk).status == "answered"
