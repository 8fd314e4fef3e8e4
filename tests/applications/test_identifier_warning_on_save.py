"""Saving a section whose text looks identifying shows the findings at once, in a GOV.UK
warning with a link to each, and the task list keeps the count."""

import pytest
from django.urls import reverse
from lxml import html

from .application_data import NARRATIVE, Page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_people_names():
    """Portal users' names are allowed by the check, and the factories pick them at random:
    a user called "Kerry ..." would hide the planted "Kerry". Fixed, the names never vary."""
    import factory.random

    factory.random.reseed_random("identifier-check")


IDENTIFYING = NARRATIVE + " Baby Amelia Jones was placed with Claire and Tom at four days old."


def section_url(application, key="q1"):
    return reverse("agency:section", args=[application.pk, key])


def test_saving_a_section_with_an_identifier_shows_a_warning_with_links(lead_client, draft):
    response = lead_client.post(
        section_url(draft), {"narrative": IDENTIFYING, "version": 0, "completed": "yes"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{section_url(draft)}#identifier-warning"

    page = lead_client.get(response["Location"])
    assert "We found 3 possible identifiers" in page.content.decode()
    warning = html.fromstring(page.content).get_element_by_id("identifier-warning")
    links = warning.xpath(".//a/@href")
    assert links and set(links) == {"#id_narrative"}
    text = warning.text_content()
    assert "Amelia Jones" in text and "Claire" in text and "Tom" in text

    task_list = Page(lead_client.get(reverse("agency:application", args=[draft.pk])))
    assert task_list.contains("3 to check")


def test_saving_a_clean_section_goes_back_to_the_task_list(lead_client, draft):
    response = lead_client.post(
        section_url(draft), {"narrative": NARRATIVE, "version": 0, "completed": "yes"}
    )
    assert response["Location"] == reverse("agency:application", args=[draft.pk])
    assert not Page(lead_client.get(section_url(draft))).contains("possible identifier")
