"""The accessibility statement says only what is true: it is rendered from what the
accessibility gate last measured (tests/accessibility keeps the committed results
file equal to its run), and has the parts the 2018 regulations ask for."""

import datetime

import pytest
from django.urls import reverse
from lxml import html

from qualitymark.core.accessibility import gate_results

pytestmark = pytest.mark.django_db


def statement(client):
    response = client.get(reverse("core:accessibility"))
    assert response.status_code == 200
    return html.fromstring(response.content)


def text_of(tree, element_id: str) -> str:
    element = tree.get_element_by_id(element_id)
    return " ".join(" ".join(part.split()) for part in element.itertext() if part.strip())


def test_the_statement_reports_the_last_gate_run(client):
    results = gate_results()
    tree = statement(client)
    tested = text_of(tree, "how-tested")
    assert "last tested on" in tested
    tested_on = datetime.date.fromisoformat(results["date"])
    assert f"last tested on {tested_on.day} {tested_on:%B %Y}" in tested
    assert f"axe-core {results['tools']['axe_core']}" in tested
    assert f"Nu HTML checker {results['tools']['vnu']}" in tested
    pages = text_of(tree, "pages-checked")
    total = f"{results['error_states_checked']} error states {results['page_types_checked']}"
    assert total in pages
    for role, count in results["page_types_per_role"].items():
        assert str(count) in pages, role
    found = text_of(tree, "test-results")
    assert f"found {results['axe_serious_or_critical']} serious or critical" in found
    assert f"{results['nu_errors']} HTML errors" in found


def test_every_reviewed_exception_is_named_against_its_criterion(client):
    results = gate_results()
    assert results["exceptions"], "the gate's exceptions are listed in the results"
    listed = text_of(statement(client), "known-exceptions")
    for exception in results["exceptions"]:
        assert exception["what"] in listed
        if exception["criterion"] != "Not checked":
            assert f"WCAG {exception['criterion']}" in listed
    status = text_of(statement(client), "compliance-status")
    assert "partially compliant" in status


def test_the_statement_has_contact_details_and_the_enforcement_procedure(client, settings):
    settings.QUALITYMARK_CONTACT_EMAIL = "quality.mark@coram.example"
    text = statement(client).text_content()
    assert "quality.mark@coram.example" in text
    assert "Equality and Human Rights Commission" in text
    assert "Equality Advisory and Support Service" in text
    for untested in ("400%", "Every release is checked", "fully compliant"):
        assert untested not in text
