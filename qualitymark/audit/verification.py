"""Walk the audit trail in chain order and say what does not add up."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import chain
from .models import AuditEvent


@dataclass
class Verification:
    checked: int = 0
    head_hash: str = ""
    problems: list[str] = field(default_factory=list)


def verify_chain(batch_size: int = 2000) -> Verification:
    """Every event in position order: its own hashes, its link to the one before,
    no gap in the positions, ids and times that rise with the positions."""
    result = Verification()
    previous = None
    events = AuditEvent.objects.order_by("position").iterator(chunk_size=batch_size)
    for event in events:
        result.problems.extend(_problems(event, previous))
        result.checked += 1
        previous = event
    if previous is not None:
        result.head_hash = previous.chain_hash
    return result


def _problems(event: AuditEvent, previous: AuditEvent | None) -> list[str]:
    label = f"Event #{event.position} (id {event.id}, {event.action})"
    problems = []
    if chain.details_digest(event) != event.details_digest:
        problems.append(f"{label} was edited: its details do not match their digest.")
    if chain.chain_hash(event) != event.chain_hash:
        problems.append(f"{label} was edited: its content does not match its hash.")
    expected_position = previous.position + 1 if previous else 1
    if event.position != expected_position:
        missing = f"#{expected_position}" + (
            f" to #{event.position - 1}" if event.position - 1 > expected_position else ""
        )
        problems.append(f"Event(s) {missing} were deleted: the chain skips to {label}.")
    if event.previous_hash != (previous.chain_hash if previous else ""):
        problems.append(
            f"{label} does not follow the event before it: an event was deleted, "
            "inserted or re-ordered."
        )
    if previous is not None and event.id < previous.id:
        problems.append(f"{label} was re-ordered: it was stored before event #{previous.position}.")
    if previous is not None and event.created_at < previous.created_at:
        problems.append(
            f"{label} is back-dated: {event.created_at:%Y-%m-%d %H:%M:%S} is before "
            f"event #{previous.position} at {previous.created_at:%Y-%m-%d %H:%M:%S}."
        )
    return problems
