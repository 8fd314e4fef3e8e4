"""The calibration page on the demo data and on a chosen panel meeting."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from moderation.models.workflow import Assignment, PanelMeeting
from qualitymark.users.models import User

from .builders import moderator, staff_user
from .test_reviewer_pages import client_for, select, text, tree_of

pytestmark = pytest.mark.django_db

URL = reverse("staff:calibration")


def table(response, table_id):
    rows = select(tree_of(response), f"table#{table_id} tbody tr")
    return [[text(cell) for cell in row.xpath("./th|./td")] for row in rows]


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())
    return client_for(User.objects.get(email="staff@coram.example"))


def test_the_demo_reviews_give_real_figures(demo):
    response = demo.get(URL, {"period": "all"})
    assert response.status_code == 200
    agreement = table(response, "agreement")
    assert len(agreement) == 8  # seven descriptors and the whole
    overall = agreement[-1]
    # Three reviewed applications (two decided, one at panel), two moderators,
    # 7 descriptors: 21 ratings each.
    # Expected values worked out from qualitymark.core.demo.DEMO_RATINGS with
    # the krippendorff package and by counting.
    assert overall[1] == "21"
    assert overall[2] == "0.557"
    assert overall[3:] == ["57%", "100%"]
    assert all("Small sample" in row[1] for row in agreement[:-1])  # 3 applications each
    pairs = table(response, "pairs")
    assert len(pairs) == 1 and pairs[0][1] == "21"
    assert pairs[0][2] == "0.575"  # scikit-learn 1.9.1 cohen_kappa_score, quadratic: 0.5753
    severity = {row[0]: row[2:] for row in table(response, "severity")}
    lead = Assignment.objects.filter(role="lead", application__status="decided").first()
    second = Assignment.objects.filter(role="second", application__status="decided").first()
    assert severity[lead.moderator.user.get_full_name()] == ["+0.14", "14%"]
    assert severity[second.moderator.user.get_full_name()] == ["−0.14", "29%"]
    assert "How these figures are worked out" in response.content.decode()


def test_a_panel_meeting_narrows_the_report_to_its_agenda(demo):
    meeting = PanelMeeting.objects.filter(decisions__outcome="full").get()
    response = demo.get(URL, {"meeting": meeting.pk})
    assert table(response, "agreement")[-1][1] == "7 Small sample"
    assert str(meeting) in response.content.decode()


def test_with_nothing_to_compare_the_page_says_so():
    response = client_for(staff_user()).get(URL)
    assert "nothing to compare" in response.content.decode()


def test_the_calibration_page_is_for_coram_staff_only():
    assert client_for(moderator().user).get(URL).status_code == 404
