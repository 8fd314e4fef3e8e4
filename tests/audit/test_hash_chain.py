"""The audit trail's hash chain, and `manage.py verify_audit` catching each kind
of tampering done as the table's owner (who can get past the trigger)."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from qualitymark.audit import chain
from qualitymark.audit.models import AuditEvent
from qualitymark.audit.services import record_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def verify() -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


@pytest.fixture
def five_events():
    user = UserFactory()
    return [
        record_event(
            actor=user if n % 2 else None,
            action=f"test.step_{n}",
            changes={"n": n, "note": "é"},
            ip_address="203.0.113.5",
        )
        for n in range(1, 6)
    ]


def as_owner(sql: str, params=None) -> None:
    """Change the table directly, getting past the append-only trigger as its owner can."""
    if connection.vendor != "postgresql":
        pytest.skip("tampering needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def test_events_are_chained_in_order(five_events):
    positions = [e.position for e in five_events]
    assert positions == list(range(positions[0], positions[0] + 5))
    for before, after in zip(five_events, five_events[1:], strict=False):
        assert after.previous_hash == before.chain_hash
    stored = AuditEvent.objects.get(pk=five_events[2].pk)
    assert chain.chain_hash(stored) == stored.chain_hash
    assert chain.details_digest(stored) == stored.details_digest


def test_an_untouched_trail_verifies(five_events):
    ok, output = verify()
    assert ok, output
    assert "The audit trail is intact" in output
    assert five_events[-1].chain_hash in output


def test_the_chain_does_not_hash_the_actor_email_or_address(five_events):
    event = five_events[0]
    assert event.actor_email
    # The actor's e-mail and the internet address live beside the event, outside the
    # chain: retention and erasure change them and the trail still verifies.
    as_owner(
        "UPDATE audit_auditeventpersonal SET actor_email = 'erased@erased.invalid', "
        "ip_address = NULL WHERE event_id = %s",
        [event.id],
    )
    ok, output = verify()
    assert ok, output


def test_an_edited_event_is_reported(five_events):
    as_owner(
        "UPDATE audit_auditevent SET action = 'test.harmless' WHERE id = %s", [five_events[2].id]
    )
    ok, output = verify()
    assert not ok
    assert (
        f"Event #{five_events[2].position} (id {five_events[2].id}, test.harmless) was edited"
        in output
    )


def test_edited_details_are_reported(five_events):
    as_owner(
        "UPDATE audit_auditevent SET target_repr = 'someone else' WHERE id = %s",
        [five_events[1].id],
    )
    ok, output = verify()
    assert not ok
    assert "its details do not match their digest" in output


def test_a_deleted_event_is_reported(five_events):
    as_owner(
        "DELETE FROM audit_auditeventpersonal WHERE event_id = %s;"
        "DELETE FROM audit_auditevent WHERE id = %s",
        [five_events[2].id, five_events[2].id],
    )
    ok, output = verify()
    assert not ok
    assert f"Event(s) #{five_events[2].position} were deleted" in output


def test_re_ordered_events_are_reported(five_events):
    first, second = five_events[1], five_events[3]
    parking = 10**12
    as_owner(
        "UPDATE audit_auditevent SET position = %s WHERE id = %s;"
        "UPDATE audit_auditevent SET position = %s WHERE id = %s;"
        "UPDATE audit_auditevent SET position = %s WHERE id = %s",
        [parking, first.id, first.position, second.id, second.position, first.id],
    )
    ok, output = verify()
    assert not ok
    assert "was re-ordered" in output
    assert "does not follow the event before it" in output


def test_a_back_dated_event_is_reported_even_with_the_right_key(five_events):
    last = five_events[-1]
    forged = AuditEvent(
        action="test.forged",
        created_at=last.created_at - timedelta(days=30),
        changes={},
    )
    chain.link(forged, last)
    forged.save(force_insert=True)  # INSERT is allowed; the date is what lies
    ok, output = verify()
    assert not ok
    assert f"Event #{forged.position} (id {forged.id}, test.forged) is back-dated" in output


def test_an_event_inserted_without_the_key_is_reported(five_events, settings):
    settings.AUDIT_CHAIN_KEY = "a key the attacker guessed"
    record_event(actor=None, action="test.forged")
    settings.AUDIT_CHAIN_KEY = ""
    ok, output = verify()
    assert not ok
    assert "test.forged) was edited" in output


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_events_chain_one_after_another():
    def record_many(worker: int) -> None:
        try:
            for n in range(15):
                record_event(actor=None, action=f"test.worker_{worker}_{n}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record_many, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert AuditEvent.objects.count() == 60
    ok, output = verify()
    assert ok, output


def test_the_demo_data_verifies():
    call_command("seed_demo", stdout=StringIO())
    ok, output = verify()
    assert ok, output
    assert AuditEvent.objects.count() > 50
