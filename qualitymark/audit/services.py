import json
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from . import chain
from .context import current_ip
from .models import AuditEvent, AuditEventPersonal


def _describe_target(target) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, get_user_model()):
        # People are named by id only, so erasing an account erases the name.
        return target._meta.label_lower, str(target.pk), f"person #{target.pk}"
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk), str(target)[:255]
    return type(target).__name__.lower(), "", str(target)[:255]


def record_event(
    *,
    actor,
    action: str,
    target=None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
    typed_email: str = "",
) -> AuditEvent:
    """Append one audit event. Services call this inside their transaction so
    the event and the change it describes commit or roll back together.

    The event is linked to the end of the hash chain under a lock held until
    that transaction ends, so concurrent transactions chain in turn. The actor's
    e-mail, the internet address and any typed e-mail go to the event's personal
    details (AuditEventPersonal), outside the chained event."""
    target_type, target_id, target_repr = _describe_target(target)
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        actor=actor if is_person else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        # As stored: JSON keys are strings, tuples are lists.
        changes=json.loads(json.dumps(changes or {})),
    )
    with transaction.atomic():
        chain.lock_chain()
        event.created_at = timezone.now()  # after the lock, so times rise along the chain
        last = AuditEvent.objects.order_by("-position").only("position", "chain_hash").first()
        chain.link(event, last)
        event.save(force_insert=True)
    AuditEventPersonal.objects.create(
        event=event,
        actor_email=actor.email if is_person else "",
        ip_address=ip_address or current_ip.get(),
        typed_email=typed_email,
    )
    return event


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose values differ, as strings."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
