import pytest
from django.db import DatabaseError, connection, transaction

from qualitymark.audit.models import AuditEvent
from qualitymark.audit.services import field_changes, record_event
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_record_event_names_actor_target_changes_and_address(client):
    actor = UserFactory()
    agency = AgencyFactory()

    event = record_event(
        actor=actor,
        action="agency.updated",
        target=agency,
        changes={"website": ["", "https://example.org"]},
        ip_address="203.0.113.9",
    )

    event.refresh_from_db()
    assert event.actor == actor
    assert event.actor_email == actor.email
    assert event.target_type == "applications.agency"
    assert event.target_id == str(agency.pk)
    assert event.target_repr == agency.name
    assert event.changes == {"website": ["", "https://example.org"]}
    assert event.ip_address == "203.0.113.9"
    assert event.created_at is not None


def test_system_events_have_no_actor():
    event = record_event(actor=None, action="award.expired")
    assert event.actor is None and event.actor_email == ""


def test_the_request_address_is_recorded_without_being_passed(client):
    user = UserFactory()
    client.post(
        "/accounts/login/",
        {"login": user.email, "password": "wrong password"},
        REMOTE_ADDR="198.51.100.7",
    )
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.ip_address == "198.51.100.7"
    assert event.changes == {}
    assert event.personal.typed_email == user.email


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = record_event(actor=None, action="test.event")
    event.action = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_field_changes_lists_only_what_differs():
    assert field_changes({"a": 1, "b": "x"}, {"a": 1, "b": "y", "c": None}) == {"b": ["x", "y"]}


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_on_the_audit_table():
    event = record_event(actor=None, action="test.event")
    for statement in (
        "UPDATE audit_auditevent SET action = 'tampered' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"
