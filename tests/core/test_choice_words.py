"""A filter or form value that is not one of its options answers in the service's words:
an outside audit found "Select a valid choice. bogus is not one of the available choices."
on the staff lists and the calibration page."""

import pytest
from django.urls import reverse

from tests.moderation.builders import staff_user
from tests.moderation.test_reviewer_pages import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("staff:application_list", {"status": "bogus"}),
        ("staff:people_list", {"role": "bogus"}),
        ("staff:agency_list", {"region": "bogus"}),
        ("staff:calibration", {"meeting": "999"}),
        ("staff:award_list", {"status": "bogus"}),
        ("staff:emails", {"status": "bogus"}),
    ],
)
def test_a_value_not_in_the_list_gets_the_services_words(url_name, query):
    response = client_for(staff_user()).get(reverse(url_name), query)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" not in text
    assert "Select one of the options in the list" in text
