"""E-mails about a file link to the page where the agency sees that file."""

from django.urls import reverse

from applications.models.evidence import EvidenceFile
from applications.services.evidence import page_of_file


def test_a_descriptor_file_links_to_its_section():
    evidence = EvidenceFile(application_id=5, section_key="q3")
    assert page_of_file(evidence) == reverse("agency:section", args=[5, "q3"])


def test_a_file_sent_with_an_answer_links_to_the_information_request():
    evidence = EvidenceFile(application_id=5, section_key="info-12")
    assert page_of_file(evidence) == reverse("agency:information_request", args=[5, 12])
