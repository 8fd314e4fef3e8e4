"""Two people editing the same section: the second save does not overwrite the
first; the second person is told, shown both versions, and can save again."""

import pytest
from django.urls import reverse

from applications.models.submissions import SectionAnswer
from applications.services.submissions import EditConflict, save_section
from qualitymark.audit.models import AuditEvent

from .application_data import EP_DATA, Page

pytestmark = pytest.mark.django_db

LEADS_TEXT = "Our tracking meeting reviews every unborn baby with a possible adoption plan."
MEMBERS_TEXT = "Early permanence is discussed at every legal planning meeting."


def section_url(application, key="q1"):
    return reverse("agency:section", args=[application.pk, key])


def form_version(client, application, key="q1") -> int:
    return int(Page(client.get(section_url(application, key))).value("version"))


def test_the_second_save_is_refused_and_shown_both_versions(
    lead_client, member_client, lead, draft
):
    save_section(
        actor=lead,
        application=draft,
        key="q1",
        data={"narrative": "A first draft."},
        state="in_progress",
        expected_version=0,
    )
    # Both open the section and see version 1.
    leads_version = form_version(lead_client, draft)
    members_version = form_version(member_client, draft)
    assert leads_version == members_version == 1

    first = lead_client.post(
        section_url(draft),
        {"version": leads_version, "narrative": LEADS_TEXT, "completed": "no", "save": ""},
    )
    assert first.status_code == 302

    second = member_client.post(
        section_url(draft),
        {"version": members_version, "narrative": MEMBERS_TEXT, "completed": "yes", "save": ""},
    )

    assert second.status_code == 409
    page = Page(second)
    assert page.contains("Someone else saved this section while you were editing it")
    assert page.contains(str(lead))
    # Both versions are on the page; the member's is still in the form.
    table = page.with_class("govuk-table")[0]
    assert LEADS_TEXT in page.text(table)
    assert MEMBERS_TEXT in page.text(table)
    assert page.value("narrative") == MEMBERS_TEXT
    assert page.value("completed") == "yes"
    # The form now carries the newer version, so saving again is possible.
    assert page.value("version") == "2"

    answer = SectionAnswer.objects.get(application=draft, key="q1")
    assert answer.data["narrative"] == LEADS_TEXT
    assert answer.version == 2
    assert answer.updated_by == lead

    again = member_client.post(
        section_url(draft),
        {
            "version": page.value("version"),
            "narrative": page.value("narrative"),
            "completed": "yes",
            "save": "",
        },
    )
    assert again.status_code == 302
    answer.refresh_from_db()
    assert answer.data["narrative"] == MEMBERS_TEXT
    assert answer.state == "completed"
    assert answer.version == 3


def test_two_people_starting_the_same_empty_section(lead_client, member_client, draft):
    assert form_version(lead_client, draft, "ep-data") == 0
    assert form_version(member_client, draft, "ep-data") == 0

    first = lead_client.post(section_url(draft, "ep-data"), {**EP_DATA, "version": 0, "later": ""})
    second = member_client.post(
        section_url(draft, "ep-data"),
        {**EP_DATA, "ffa_placements": "10", "version": 0, "later": ""},
    )

    assert first.status_code == 302
    assert second.status_code == 409
    page = Page(second)
    assert page.value("ffa_placements") == "10"
    assert page.value("version") == "1"
    # Only the numbers that differ are compared.
    rows = page.with_class("govuk-table__row")
    compared = [page.text(row) for row in rows[1:]]
    assert len(compared) == 1
    assert "Fostering for Adoption placements made" in compared[0]
    assert SectionAnswer.objects.get(application=draft, key="ep-data").data["ffa_placements"] == 9


def test_a_conflict_where_both_typed_the_same(lead_client, member_client, draft):
    for client in (lead_client, member_client):
        response = client.post(
            section_url(draft), {"narrative": LEADS_TEXT, "version": 0, "later": ""}
        )
    assert response.status_code == 409
    assert Page(response).contains("Their answers are the same as yours.")


def test_the_service_refuses_a_stale_version_and_changes_nothing(lead, member, draft):
    first = save_section(
        actor=lead,
        application=draft,
        key="about",
        data={"contact_name": "Jo Ellis"},
        state="in_progress",
        expected_version=0,
    )
    events = AuditEvent.objects.filter(action="application.section_saved").count()

    with pytest.raises(EditConflict) as conflict:
        save_section(
            actor=member,
            application=draft,
            key="about",
            data={"contact_name": "Someone else"},
            state="completed",
            expected_version=0,
        )

    assert conflict.value.current.pk == first.pk
    assert conflict.value.current.data == {"contact_name": "Jo Ellis"}
    assert conflict.value.current.version == 1
    first.refresh_from_db()
    assert first.data == {"contact_name": "Jo Ellis"}
    assert first.state == "in_progress"
    assert first.updated_by == lead
    assert AuditEvent.objects.filter(action="application.section_saved").count() == events

    # With the current version, the save goes through.
    saved = save_section(
        actor=member,
        application=draft,
        key="about",
        data={"contact_name": "Someone else"},
        state="in_progress",
        expected_version=conflict.value.current.version,
    )
    assert saved.version == 2
    assert saved.data == {"contact_name": "Someone else"}


def test_the_service_refuses_a_version_from_the_future(lead, draft):
    with pytest.raises(EditConflict) as conflict:
        save_section(
            actor=lead,
            application=draft,
            key="about",
            data={"contact_name": "Jo"},
            state="in_progress",
            expected_version=4,
        )
    assert conflict.value.current is None
    assert not SectionAnswer.objects.filter(application=draft).exists()


def test_autosave_reports_a_conflict_without_saving(lead_client, member_client, lead, draft):
    autosave = reverse("agency:autosave", args=[draft.pk, "q1"])
    saved = lead_client.post(autosave, {"narrative": LEADS_TEXT, "version": 0})
    assert saved.status_code == 200
    assert saved.json()["saved"] is True
    assert saved.json()["version"] == 1

    refused = member_client.post(autosave, {"narrative": MEMBERS_TEXT, "version": 0})

    assert refused.status_code == 409
    assert refused.json()["conflict"] is True
    assert refused.json()["updated_by"] == str(lead)
    answer = SectionAnswer.objects.get(application=draft, key="q1")
    assert answer.data["narrative"] == LEADS_TEXT
    assert answer.state == "in_progress"


def test_autosave_keeps_a_completed_section_completed_when_nothing_changed(
    lead_client, lead, draft
):
    save_section(
        actor=lead,
        application=draft,
        key="q1",
        data={"narrative": LEADS_TEXT},
        state="completed",
        expected_version=0,
    )
    autosave = reverse("agency:autosave", args=[draft.pk, "q1"])

    unchanged = lead_client.post(autosave, {"narrative": LEADS_TEXT, "version": 1})
    assert unchanged.json()["saved"] is True
    assert SectionAnswer.objects.get(application=draft, key="q1").state == "completed"

    changed = lead_client.post(autosave, {"narrative": MEMBERS_TEXT, "version": 2})
    assert changed.json()["saved"] is True
    assert SectionAnswer.objects.get(application=draft, key="q1").state == "in_progress"


def test_autosave_refuses_what_is_not_a_number(lead_client, draft):
    autosave = reverse("agency:autosave", args=[draft.pk, "ep-data"])

    response = lead_client.post(autosave, {"ffa_placements": "lots", "version": 0})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ffa_placements": ["Fostering for Adoption placements made must be a whole number, like 12"]
    }
    assert not SectionAnswer.objects.filter(application=draft).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_wins_the_other_is_told(lead, member, draft):
    """Real concurrency: two connections save the same section from the same
    version at once. The database lock makes one wait; it then sees the newer
    version and is refused."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    results = {}

    def save_as(actor, text):
        try:
            barrier.wait(timeout=10)
            results[actor.pk] = save_section(
                actor=actor,
                application=draft,
                key="q2",
                data={"narrative": text},
                state="in_progress",
                expected_version=0,
            )
        except EditConflict as conflict:
            results[actor.pk] = conflict
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save_as, args=(lead, LEADS_TEXT)),
        threading.Thread(target=save_as, args=(member, MEMBERS_TEXT)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    saved = [result for result in results.values() if isinstance(result, SectionAnswer)]
    refused = [result for result in results.values() if isinstance(result, EditConflict)]
    assert len(saved) == 1 and len(refused) == 1
    answer = SectionAnswer.objects.get(application=draft, key="q2")
    assert answer.version == 1
    assert answer.data == saved[0].data
    assert refused[0].current.data == saved[0].data
