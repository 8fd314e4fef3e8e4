"""Issue 14, feedback an agency can act on: the decision and feedback PDF shows
each descriptor's consolidated rating, strengths and areas to develop with the
decision and its reasons; the chair edits a draft, clearly marked as a draft,
and cannot send it while a section is empty or still the moderators' text."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from moderation.models.drafts import DecisionDraft
from moderation.models.workflow import Decision, Recommendation
from qualitymark.audit.models import AuditEvent

from .builders import chair, moderator
from .test_panel_pages import (
    EXCEEDS,
    PARTLY,
    at_panel,
    decide_url,
    error_summary,
    login,
    meeting_for,
    page,
    text_of,
)

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def prefilled_form(tree) -> dict:
    """Every field of the decision form as the page prefilled it."""
    data = {}
    for field in tree.xpath("//form//textarea"):
        data[field.get("name")] = field.text_content().strip()
    for field in tree.xpath("//form//input[@type='radio'][@checked]"):
        data[field.get("name")] = field.get("value")
    data["rationale"] = "Every descriptor is well evidenced."
    return data


def chair_at_the_decision_page(client, **kwargs):
    application, _ = at_panel(**kwargs)
    panel_chair = chair()
    meeting = meeting_for(application, panel_chair=panel_chair)
    login(client, panel_chair.user)
    tree = page(client.get(decide_url(application)))
    return application, meeting, panel_chair, tree


def own_words(application, form: dict) -> dict:
    edited = dict(form)
    for descriptor in application.framework.descriptors.all():
        edited[f"strengths_{descriptor.pk}"] = f"Panel: {descriptor.code} is a strength."
        edited[f"areas_{descriptor.pk}"] = f"Panel: develop {descriptor.code} further."
    return edited


def test_the_page_is_marked_as_a_draft_and_unedited_prefill_cannot_be_sent(client):
    application, meeting, _, tree = chair_at_the_decision_page(client)
    assert text_of(tree, "draft-tag") == "Draft"
    assert "Draft" in tree.findtext(".//title")
    q1, q2 = application.framework.descriptors.filter(number__in=[1, 2]).order_by("number")
    form = prefilled_form(tree)
    assert form[f"strengths_{q1.pk}"].startswith("Moderator 1 found strong practice on Q1.")

    # Everything edited except Q1's strengths (left as prefilled) and Q2's areas (emptied).
    data = own_words(application, form)
    data[f"strengths_{q1.pk}"] = form[f"strengths_{q1.pk}"]
    data[f"areas_{q2.pk}"] = ""
    data[f"areas_{q1.pk}"] = "Typed by the chair and not to be lost."
    mail.outbox.clear()
    tree = page(client.post(decide_url(application), data))

    summary = error_summary(tree)
    assert "Edit the Q1 strengths: it is still the moderators' prefilled text" in summary
    assert "Enter the Q2 areas to develop" in summary
    assert "Q3" not in summary
    links = tree.xpath('//div[contains(@class,"govuk-error-summary")]//a/@href')
    assert f"#id_strengths_{q1.pk}" in links and f"#id_areas_{q2.pk}" in links
    assert not Decision.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.status == "panel"
    assert mail.outbox == []
    # Nothing typed is lost: on the page and in the saved draft.
    typed = tree.get_element_by_id(f"id_areas_{q1.pk}").text_content().strip()
    assert typed == "Typed by the chair and not to be lost."
    draft = DecisionDraft.objects.get(application=application)
    assert draft.sections[f"areas_{q1.pk}"] == "Typed by the chair and not to be lost."
    assert draft.meeting == meeting


def test_whitespace_changes_alone_do_not_count_as_editing(client):
    application, _, _, tree = chair_at_the_decision_page(client)
    q5 = application.framework.descriptors.get(number=5)
    form = prefilled_form(tree)
    data = own_words(application, form)
    data[f"areas_{q5.pk}"] = "  " + form[f"areas_{q5.pk}"].replace("\n\n", "\n") + "\n"
    tree = page(client.post(decide_url(application), data))
    assert "Edit the Q5 areas to develop" in error_summary(tree)
    assert not Decision.objects.filter(application=application).exists()


def test_saving_the_draft_keeps_it_unsent_and_the_preview_pdf_says_draft(client):
    application, _, _, tree = chair_at_the_decision_page(client)
    q1 = application.framework.descriptors.get(number=1)
    data = prefilled_form(tree)
    data[f"strengths_{q1.pk}"] = "Half-written by the chair"
    data["save_draft"] = "Save the draft"
    mail.outbox.clear()
    response = client.post(decide_url(application), data)
    assert response.status_code == 302
    assert not Decision.objects.filter(application=application).exists()
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="decision.draft_saved").exists()

    tree = page(client.get(decide_url(application)))
    assert tree.get_element_by_id(f"id_strengths_{q1.pk}").text_content().strip() == (
        "Half-written by the chair"
    )
    assert "The agency has not seen it." in text_of(tree, "draft-state")
    preview = client.get(reverse("moderation:decision_draft_pdf", args=[application.pk]))
    assert preview["Content-Type"] == "application/pdf"
    text = pdf_text(preview.content)
    assert "Draft: The panel's decision" in text
    assert "Draft – not sent" in text
    assert "Half-written by the chair" in text


def test_edited_feedback_is_sent_and_the_agencys_pdf_shows_each_rating(client):
    # Q3 rated Exceeds by both moderators, Q6 Partly meets by one (the lower counts).
    application, _, _, tree = chair_at_the_decision_page(
        client, reviews=[{3: EXCEEDS, 6: PARTLY}, {3: EXCEEDS}]
    )
    data = own_words(application, prefilled_form(tree))
    data["outcome"] = Recommendation.WORKING_TOWARDS
    response = client.post(decide_url(application), data)
    assert response.status_code == 302, error_summary(page(response))
    decision = Decision.objects.get(application=application)
    assert decision.outcome == Recommendation.WORKING_TOWARDS
    assert not DecisionDraft.objects.filter(application=application).exists()

    lead = application.agency.memberships.get(role="lead").user
    login(client, lead)
    response = client.get(reverse("agency:decision_pdf", args=[application.pk]))
    text = pdf_text(response.content)
    assert "Draft" not in text
    assert "Working Towards" in text and "Every descriptor is well evidenced." in text
    for descriptor in application.framework.descriptors.order_by("number"):
        rating = {3: "Exceeds (met)", 6: "Partly meets (not met)"}.get(
            descriptor.number, "Meets (met)"
        )
        section = text.split(f"{descriptor.code}: {descriptor.title}")[1][:400]
        assert f"Panel's rating: {rating}" in section, descriptor.code
        assert f"Panel: {descriptor.code} is a strength." in section
        assert f"Panel: develop {descriptor.code} further." in section

    tree = page(client.get(reverse("agency:decision", args=[application.pk])))
    assert "Exceeds (met)" in text_of(tree, "feedback-Q3")
    assert "Partly meets (not met)" in text_of(tree, "feedback-Q6")


def test_only_a_chair_who_may_decide_sees_the_draft_preview(client):
    application, _, _, tree = chair_at_the_decision_page(client)
    client.post(decide_url(application), {**prefilled_form(tree), "save_draft": "1"})
    url = reverse("moderation:decision_draft_pdf", args=[application.pk])
    assert client.get(url).status_code == 200
    lead = application.agency.memberships.get(role="lead").user
    for user in (lead, moderator().user):
        login(client, user)
        assert client.get(url).status_code == 404
