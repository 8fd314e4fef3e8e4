"""A decision's outcome shows as a GOV.UK tag in its own colour: Full green,
Working Towards blue, Not awarded grey, in the panel list's recent decisions."""

import pytest
from lxml import html

from moderation.models.workflow import Recommendation
from tests.moderation.builders import staff_user

from .test_panel_pages import decided_application

pytestmark = pytest.mark.django_db

COLOURS = {
    Recommendation.FULL: ("govuk-tag--green", "Full"),
    Recommendation.WORKING_TOWARDS: ("govuk-tag--blue", "Working Towards"),
    Recommendation.NOT_AWARDED: ("govuk-tag--grey", "Not awarded"),
}


@pytest.mark.parametrize("outcome", list(COLOURS))
def test_the_panel_list_shows_each_outcome_in_its_colour(client, outcome):
    application, _, _ = decided_application(outcome=outcome)
    client.force_login(staff_user())
    page = html.fromstring(client.get("/moderation/panel/").content)
    row = page.xpath(f'//table[@id="recent-decisions"]//tr[.//a[text()="{application.reference}"]]')
    assert len(row) == 1
    (tag,) = row[0].xpath('.//strong[contains(@class, "govuk-tag")]')
    colour, label = COLOURS[outcome]
    assert tag.get("class").split() == ["govuk-tag", colour]
    assert tag.text_content() == label
