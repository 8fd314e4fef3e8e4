"""The application lifecycle: what each status allows (STATES), the allowed
moves between statuses (TRANSITIONS) and the one function, `transition()`,
through which every status change goes.

    draft ──submit──▶ submitted ──accept──▶ in_review ──open_panel──▶ panel ──decide──▶ decided
      ▲                  │                    │   ▲
      └──return (reason)─┘                    ▼   │
                                     information_requested
    any state before decided ──withdraw──▶ withdrawn

`STATES` says what each status allows (the agency may edit, moderators may
review, ...) and how it is shown; every group of statuses in the code is
`statuses_that(capability)`, and pages ask `application.state`.

`transition()` checks the move is in the table and allowed for this actor,
changes the status, writes the audit event and schedules the notifications
(they are sent after the transaction commits). Services that need more than a
status change (a reference number on submit, an award on decision) do their
own work and call `transition()` inside the same transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.core.exceptions import ImproperlyConfigured, ValidationError
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


@dataclass(frozen=True)
class State:
    """What an application in one status allows and how it is shown. Every
    capability is False unless the row in STATES says otherwise."""

    status: Status
    tag: str  # the GOV.UK tag colour
    agency_may_edit: bool = False  # the agency may change its answers and files
    agency_may_answer: bool = False  # the agency may answer an information request
    staff_may_screen: bool = False  # Coram staff may accept it or return it
    staff_may_assign: bool = False  # Coram staff may assign and remove moderators
    moderators_may_review: bool = False  # assigned moderators may write and amend reviews
    information_may_be_requested: bool = False  # a new information request may be asked
    review_clock_runs: bool = False  # reviews fall due and reminders go out
    review_clock_paused: bool = False  # the agency is answering: due dates wait
    panel_may_decide: bool = False  # the panel chair may record the decision
    panel_may_read: bool = False  # the panel chair may read the submitted reviews
    has_decision: bool = False  # the decision is recorded and shown to the agency
    fee_may_be_outstanding: bool = False  # counts among fees still awaited
    shows_in_queues: bool = False  # shows in moderators' queues
    shows_to_staff: bool = False  # Coram staff see it in their lists
    is_open: bool = False  # the agency's one open application
    is_locked: bool = False  # submitted content is fixed

    @property
    def label(self) -> str:
        return self.status.label


CAPABILITIES = tuple(f.name for f in fields(State) if f.type is bool)

STATES: dict[str, State] = {
    state.status: state
    for state in [
        State(Status.DRAFT, "govuk-tag--grey", agency_may_edit=True, is_open=True),
        State(
            Status.SUBMITTED,
            "govuk-tag--blue",
            staff_may_screen=True,
            staff_may_assign=True,
            fee_may_be_outstanding=True,
            shows_in_queues=True,
            shows_to_staff=True,
            is_open=True,
            is_locked=True,
        ),
        State(
            Status.IN_REVIEW,
            "govuk-tag--light-blue",
            staff_may_assign=True,
            moderators_may_review=True,
            information_may_be_requested=True,
            review_clock_runs=True,
            fee_may_be_outstanding=True,
            shows_in_queues=True,
            shows_to_staff=True,
            is_open=True,
            is_locked=True,
        ),
        State(
            Status.INFORMATION_REQUESTED,
            "govuk-tag--orange",
            agency_may_answer=True,
            staff_may_assign=True,
            moderators_may_review=True,
            review_clock_paused=True,
            fee_may_be_outstanding=True,
            shows_in_queues=True,
            shows_to_staff=True,
            is_open=True,
            is_locked=True,
        ),
        State(
            Status.PANEL,
            "govuk-tag--purple",
            panel_may_decide=True,
            panel_may_read=True,
            fee_may_be_outstanding=True,
            shows_in_queues=True,
            shows_to_staff=True,
            is_open=True,
            is_locked=True,
        ),
        State(
            Status.DECIDED,
            "govuk-tag--green",
            panel_may_read=True,
            has_decision=True,
            shows_in_queues=True,
            shows_to_staff=True,
            is_locked=True,
        ),
        State(Status.WITHDRAWN, "govuk-tag--red", shows_to_staff=True, is_locked=True),
    ]
}


def state_of(status: str) -> State:
    return STATES[status]


def statuses_that(capability: str) -> tuple[str, ...]:
    """The statuses whose state allows `capability`, in lifecycle order (for querysets)."""
    if capability not in CAPABILITIES:
        raise ValueError(f"No state capability is called {capability!r}.")
    return tuple(status for status, state in STATES.items() if getattr(state, capability))


OPEN_STATUSES = frozenset(statuses_that("is_open"))
LOCKED_STATUSES = frozenset(statuses_that("is_locked"))


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
            notifications=("application_withdrawn", "application_withdrawn_moderators"),
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


def unregistered_notifications() -> list[str]:
    """Notifications the transition table names that no sender has registered."""
    named = [name for spec in TRANSITIONS.values() for name in spec.notifications]
    return sorted({name for name in named if name not in NOTIFIERS})


def may_transition(application, name: str, actor) -> bool:
    """Whether `actor` may move `application` along transition `name` now."""
    spec = TRANSITIONS[name]
    return application.status in spec.sources and _actor_may(spec, actor, application)


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
    locked.status, locked.status_changed_at = spec.target, timezone.now()
    update_fields = ["status", "status_changed_at", "updated_at"]
    if spec.timestamp_field:
        setattr(locked, spec.timestamp_field, timezone.now())
        update_fields.append(spec.timestamp_field)
    locked.save(update_fields=update_fields)
    application.status, application.status_changed_at = locked.status, locked.status_changed_at
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
        if notification not in NOTIFIERS:
            raise ImproperlyConfigured(f"No sender is registered for {notification!r}.")
        NOTIFIERS[notification](locked, actor, reason)
    return locked
