"""The accessibility statement says only what is true: the reflow, text-resize and PDF
failures found by the audit are listed, and nothing untested is promised."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_statement_lists_the_known_failures_and_promises_nothing_untested(client):
    text = client.get(reverse("core:accessibility")).content.decode()
    assert "partially compliant" in text
    for criterion in ("1.4.10 Reflow", "1.4.4 Resize text", "1.3.1 Info and relationships"):
        assert criterion in text
    for untested in ("400%", "tagged PDF", "screen reader", "Every release is checked"):
        assert untested not in text
