"""The agency's feedback on a decision: one row per descriptor, in order, with
the panel's text and consolidated rating, read in two queries; a decision
missing some descriptors' feedback still lists all seven."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.models.workflow import DescriptorFeedback
from moderation.selectors.feedback import decision_feedback_rows

from .test_panel_pages import decided_application

pytestmark = pytest.mark.django_db


def test_every_descriptor_in_order_with_its_text_in_two_queries():
    _, decision, _ = decided_application()
    with CaptureQueriesContext(connection) as captured:
        rows = decision_feedback_rows(decision)
    assert len(captured) == 2
    assert [row.descriptor.code for row in rows] == [f"Q{n}" for n in range(1, 8)]
    assert rows[2].strengths == "The panel praises Q3."
    assert rows[2].areas_to_develop == "The panel asks for more on Q3."
    assert all(row.rating for row in rows)


def test_a_decision_missing_feedback_still_lists_every_descriptor():
    _, decision, _ = decided_application()
    DescriptorFeedback.objects.filter(decision=decision, descriptor__number__in=[2, 5]).delete()
    rows = decision_feedback_rows(decision)
    assert [row.descriptor.code for row in rows] == [f"Q{n}" for n in range(1, 8)]
    assert (rows[1].strengths, rows[1].areas_to_develop) == ("", "")
    assert rows[0].strengths == "The panel praises Q1."
