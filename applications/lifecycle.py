"""The application lifecycle: one table of allowed transitions and the one
function, `transition()`, through which every status change goes.

    draft ──submit──▶ submitted ──accept──▶ in_review ──open_panel──▶ panel ──decide──▶ decided
      ▲                  │                    │   ▲
      └──return (reason)─┘                    ▼   │
                                     information_requested
    any state before decided ──withdraw──▶ withdrawn

`transition()` checks the move is in the table and allowed for this actor,
changes the status, writes the audit event and schedules the notifications
(they are sent after the transaction commits). Services that need more than a
status change (a reference number on submit, an award on decision) do their
own work and call `transition()` inside the same transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from qualitymark.audit.services import record_event


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    PANEL = "panel", "At panel"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = frozenset(Status.values) - {Status.DECIDED, Status.WITHDRAWN}
LOCKED_STATUSES = frozenset(Status.values) - {Status.DRAFT}


class TransitionNotAllowed(Exception):
    """The move is not in the table, or not for this person."""


class ReasonRequired(ValidationError):
    def __init__(self):
        super().__init__({"reason": "Give a reason"})


Actor = object
Rule = Callable[[Actor, "object"], bool]


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    rule_name: str
    needs_reason: bool = False
    by_system: bool = False  # the service itself may make this move
    timestamp_field: str | None = None
    notifications: tuple[str, ...] = field(default_factory=tuple)


def _t(name, sources, target, rule_name, **options) -> Transition:
    return Transition(name, frozenset(sources), target, rule_name, **options)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t(
            "submit",
            [Status.DRAFT],
            Status.SUBMITTED,
            "applications.submit_application",
            timestamp_field="submitted_at",
            notifications=("application_submitted",),
        ),
        _t(
            "return_to_agency",
            [Status.SUBMITTED],
            Status.DRAFT,
            "moderation.screen_application",
            needs_reason=True,
            notifications=("application_returned",),
        ),
        _t(
            "accept_for_moderation",
            [Status.SUBMITTED],
            Status.IN_REVIEW,
            "moderation.screen_application",
            timestamp_field="accepted_at",
            notifications=("application_accepted",),
        ),
        _t(
            "request_information",
            [Status.IN_REVIEW],
            Status.INFORMATION_REQUESTED,
            "moderation.request_information",
            notifications=("information_requested",),
        ),
        _t(
            "respond_to_information_request",
            [Status.INFORMATION_REQUESTED],
            Status.IN_REVIEW,
            "applications.respond_to_information_request",
            notifications=("information_provided",),
        ),
        _t(
            "open_panel",
            [Status.IN_REVIEW],
            Status.PANEL,
            "moderation.open_panel",
            by_system=True,
            notifications=("panel_opened",),
        ),
        _t(
            "decide",
            [Status.PANEL],
            Status.DECIDED,
            "moderation.record_decision",
            timestamp_field="decided_at",
            notifications=("application_decided",),
        ),
        _t(
            "withdraw",
            OPEN_STATUSES,
            Status.WITHDRAWN,
            "applications.withdraw_application",
            needs_reason=True,
            timestamp_field="withdrawn_at",
            notifications=("application_withdrawn",),
        ),
    ]
}

# Notification senders register here by name (see applications.notifications
# and moderation.notifications); each takes (application, actor, reason).
NOTIFIERS: dict[str, Callable] = {}


def notifier(name: str):
    def register(function):
        NOTIFIERS[name] = function
        return function

    return register


class SystemActor:
    """The service itself, e.g. moving an application to panel when the last
    review arrives. Rules allow it only where a transition says so."""

    is_authenticated = False
    email = ""
    pk = None

    def __str__(self):
        return "system"


SYSTEM = SystemActor()


def allowed_transitions(application, actor) -> list[Transition]:
    return [
        t
        for t in TRANSITIONS.values()
        if application.status in t.sources and _actor_may(t, actor, application)
    ]


def _actor_may(transition_: Transition, actor, application) -> bool:
    import rules

    if actor is SYSTEM:
        return transition_.by_system
    return rules.has_perm(transition_.rule_name, actor, application)


@transaction.atomic
def transition(application, name: str, *, actor, reason: str = "", changes: dict | None = None):
    """Move `application` along transition `name`, or raise TransitionNotAllowed."""
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise TransitionNotAllowed(f"There is no transition called {name!r}.")
    locked = type(application).objects.select_for_update().get(pk=application.pk)
    if locked.status not in spec.sources:
        raise TransitionNotAllowed(
            f"An application that is {locked.get_status_display().lower()} cannot be {name}."
        )
    if not _actor_may(spec, actor, locked):
        raise TransitionNotAllowed("You cannot do that to this application.")
    reason = (reason or "").strip()
    if spec.needs_reason and not reason:
        raise ReasonRequired()

    previous = locked.status
    locked.status = spec.target
    update_fields = ["status", "updated_at"]
    if spec.timestamp_field:
        setattr(locked, spec.timestamp_field, timezone.now())
        update_fields.append(spec.timestamp_field)
    locked.save(update_fields=update_fields)
    application.status = locked.status
    if spec.timestamp_field:
        setattr(application, spec.timestamp_field, getattr(locked, spec.timestamp_field))

    record_event(
        actor=None if actor is SYSTEM else actor,
        action=f"application.{name}",
        target=locked,
        changes={
            "status": [previous, spec.target],
            **({"reason": reason} if reason else {}),
            **(changes or {}),
        },
    )
    for notification in spec.notifications:
        sender = NOTIFIERS.get(notification)
        if sender is not None:
            sender(locked, actor, reason)
    return locked
