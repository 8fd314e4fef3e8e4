"""The award state table: every fact about an award's status in one place.

``STATES`` says what each status means to the public: its label and tag
colour, whether the certificate is valid, what the register, the verification
page and the badge say. ``TRANSITIONS`` says how an award moves between
statuses and who may move it (a registered django-rules rule, or the system:
the nightly job, or a decision's own transaction). The one function that
changes an award's status is ``moderation.services.award_transitions.transition_award``.

A decision that gives an agency a new award while it still holds one (a
renewal or an upgrade) issues it *awaiting publication*: the award it holds
stays current, on the register, until Coram staff publish the new one, which
replaces it in the same transaction. So the public never sees a gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

__all__ = [
    "LIVE_AWARD_STATUSES",
    "NOT_ON_REGISTER",
    "REPLACEABLE_AWARD_STATUSES",
    "STATES",
    "TRANSITIONS",
    "AwardState",
    "AwardStatus",
    "AwardTransition",
    "BadgeFace",
    "refusal",
    "register_states",
    "state_of",
    "status_on_issue",
]


class AwardStatus(models.TextChoices):
    PENDING = "pending", "Awaiting publication"
    CURRENT = "current", "Current"
    EXPIRED = "expired", "Expired"
    SUSPENDED = "suspended", "Suspended"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Replaced"


@dataclass(frozen=True)
class AwardState:
    status: str
    tag: str  # GOV.UK tag colour class
    colour: str  # the badge's status line colour
    is_valid: bool  # the certificate stands today
    is_live: bool  # the agency's one held award (at most one: a database constraint)
    needs_reason: bool  # entering this status needs a recorded reason
    verdict: str  # the verification page's heading
    headline: str  # what the register's agency page says; {agency}, {level}, {date}
    verify_text: str  # the verification page's warning; {agency}, {date}, {replacement}
    badge_detail: str  # the badge's second line; {date}
    meaning: str  # the register data page's description of the status
    dated_event: str = ""  # "Suspended on" / "Withdrawn on" on the verification page
    on_register: bool = True  # can be seen on the public register
    # The agency may download its certificate: not once the award no longer stands for a
    # reason its "Valid until" date does not show (suspended, withdrawn, replaced).
    certificate_for_agency: bool = True

    @property
    def value(self) -> str:
        return self.status

    @property
    def label(self) -> str:
        return AwardStatus(self.status).label

    @property
    def shows_tick(self) -> bool:
        """A badge shows the green tick only for a valid award (and only a
        published award ever has a badge)."""
        return self.is_valid

    @property
    def expiry_label(self) -> str:
        return "Expired on" if self.status == AwardStatus.EXPIRED else "Valid until"


STATES: dict[str, AwardState] = {
    state.status: state
    for state in (
        AwardState(
            status=AwardStatus.PENDING,
            tag="govuk-tag--light-blue",
            colour="#505a5f",
            is_valid=False,
            is_live=False,
            needs_reason=False,
            verdict="This certificate is not on the register yet",
            headline="{agency}'s new award is waiting to be published.",
            verify_text="{agency}'s award has not been published to the register yet. "
            "Until it is, this certificate is not valid.",
            badge_detail="Not yet published",
            meaning="The panel has made the award; Coram has not published it yet.",
            on_register=False,
        ),
        AwardState(
            status=AwardStatus.CURRENT,
            tag="govuk-tag--green",
            colour="#00703c",
            is_valid=True,
            is_live=True,
            needs_reason=False,
            verdict="This certificate is valid",
            headline="{agency} holds the Early Permanence Quality Mark at the {level} level, "
            "valid until {date}.",
            verify_text="",
            badge_detail="Valid until {date}",
            meaning="The award is valid.",
        ),
        AwardState(
            status=AwardStatus.EXPIRED,
            tag="govuk-tag--grey",
            colour="#505a5f",
            is_valid=False,
            is_live=False,
            needs_reason=False,
            verdict="This certificate has expired",
            headline="{agency}'s Early Permanence Quality Mark expired on {date}.",
            verify_text="{agency}'s award expired on {date}. This certificate is no longer valid.",
            badge_detail="Expired {date}",
            meaning="The award reached the end of its validity without being renewed.",
        ),
        AwardState(
            status=AwardStatus.SUSPENDED,
            tag="govuk-tag--orange",
            colour="#8a3f00",
            is_valid=False,
            is_live=True,
            needs_reason=True,
            verdict="This award is suspended",
            headline="{agency}'s Early Permanence Quality Mark is suspended.",
            verify_text="{agency}'s award is suspended. While it is suspended, this "
            "certificate is not valid.",
            badge_detail="Suspended",
            meaning="Coram has suspended the award for now.",
            dated_event="Suspended on",
            certificate_for_agency=False,
        ),
        AwardState(
            status=AwardStatus.WITHDRAWN,
            tag="govuk-tag--red",
            colour="#aa2a16",
            is_valid=False,
            is_live=False,
            needs_reason=True,
            verdict="This award has been withdrawn",
            headline="{agency}'s Early Permanence Quality Mark has been withdrawn.",
            verify_text="{agency}'s award has been withdrawn. This certificate is no longer valid.",
            badge_detail="Withdrawn",
            meaning="Coram has withdrawn the award.",
            dated_event="Withdrawn on",
            certificate_for_agency=False,
        ),
        AwardState(
            status=AwardStatus.SUPERSEDED,
            tag="govuk-tag--blue",
            colour="#505a5f",
            is_valid=False,
            is_live=False,
            needs_reason=True,
            verdict="This certificate has been replaced",
            headline="This award has been replaced by a later one.",
            verify_text="This certificate has been replaced{replacement}. It is no longer valid.",
            badge_detail="Replaced: see the register",
            meaning="The award was replaced by a later one: a renewal, an upgrade to Full, "
            "or a correction.",
            certificate_for_agency=False,
        ),
    )
}

LIVE_AWARD_STATUSES = tuple(code for code, state in STATES.items() if state.is_live)
VALID_AWARD_STATUSES = tuple(code for code, state in STATES.items() if state.is_valid)
# What a later award (published, or a corrected decision) replaces.
REPLACEABLE_AWARD_STATUSES = (*LIVE_AWARD_STATUSES, AwardStatus.PENDING)
# Statuses that mean "still in force", which the passing of the last day turns to expired.
EXPIRING_AWARD_STATUSES = REPLACEABLE_AWARD_STATUSES
STATUSES_WITHOUT_REASON = tuple(code for code, state in STATES.items() if not state.needs_reason)


@dataclass(frozen=True)
class BadgeFace:
    """A badge for an agency with no published award."""

    label: str = "Not on the register"
    headline: str = "Not on the register"
    detail: str = "No published award"
    colour: str = "#505a5f"
    shows_tick: bool = False


NOT_ON_REGISTER = BadgeFace()


def state_of(status: str) -> AwardState:
    return STATES[status]


def register_states() -> list[AwardState]:
    """The statuses an award on the public register can have, in table order."""
    return [state for state in STATES.values() if state.on_register]


def status_on_issue(*, agency_holds_award: bool) -> str:
    """A first award is current at once (published when staff publish it); an
    award for an agency that holds one waits to replace it until published."""
    return AwardStatus.PENDING if agency_holds_award else AwardStatus.CURRENT


@dataclass(frozen=True)
class AwardTransition:
    name: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (publication is a flag)
    rule: str | None  # the registered rule the actor needs; None: the system
    action: str  # the audit trail's action
    refusal: str  # why it cannot be made from the award's status
    checks_expiry: bool = True  # an award past its last day counts as expired
    needs_reason: bool = True
    published: bool | None = None  # the award must be (True) or not be (False) published
    email: str = ""  # the e-mail its agency's leads get (templates/emails/<email>.txt)


def refusal(transition: AwardTransition, *, status: str, effective_status: str, is_published: bool):
    """Why the table does not allow ``transition`` from here (None: it does)."""
    if transition.published is False and is_published:
        return "This award is already on the register."
    if transition.published is True and not is_published:
        return transition.refusal
    if (effective_status if transition.checks_expiry else status) not in transition.sources:
        return transition.refusal
    return None


_STAFF = "moderation.manage_awards"
_CHAIR = "moderation.chair_panel"

TRANSITIONS: dict[str, AwardTransition] = {
    transition.name: transition
    for transition in (
        AwardTransition(
            name="publish",
            sources=(AwardStatus.PENDING, AwardStatus.CURRENT),
            target=AwardStatus.CURRENT,
            rule=_STAFF,
            action="award.published",
            refusal="Only a current award can be published to the register.",
            needs_reason=False,
            published=False,
            email="award_published",
        ),
        # A suspended, withdrawn or expired award stays listed, saying so (the register).
        AwardTransition(
            name="unpublish",
            sources=(AwardStatus.PENDING, AwardStatus.CURRENT),
            target=None,
            rule=_STAFF,
            action="award.unpublished",
            refusal="A suspended, withdrawn or expired award stays on the register, saying so. "
            "Only a current award can be taken off it.",
            published=True,
        ),
        AwardTransition(
            name="suspend",
            sources=(AwardStatus.CURRENT,),
            target=AwardStatus.SUSPENDED,
            rule=_STAFF,
            action="award.suspended",
            refusal="Only a current award can be suspended.",
            email="award_suspended",
        ),
        AwardTransition(
            name="reinstate",
            sources=(AwardStatus.SUSPENDED,),
            target=AwardStatus.CURRENT,
            rule=_STAFF,
            action="award.reinstated",
            refusal="Only a suspended award that has not expired can be reinstated.",
            email="award_reinstated",
        ),
        AwardTransition(
            name="withdraw",
            sources=REPLACEABLE_AWARD_STATUSES,
            target=AwardStatus.WITHDRAWN,
            rule=_STAFF,
            action="award.withdrawn",
            refusal="Only a current or suspended award can be withdrawn.",
            checks_expiry=False,
            email="award_withdrawn",
        ),
        # The panel corrected its decision to not awarded (checked on the application).
        AwardTransition(
            name="withdraw_by_correction",
            sources=REPLACEABLE_AWARD_STATUSES,
            target=AwardStatus.WITHDRAWN,
            rule=_CHAIR,
            action="award.withdrawn",
            refusal="Only a current or suspended award can be withdrawn.",
            checks_expiry=False,
            email="award_withdrawn",
        ),
        # Part of publishing its successor, or of a corrected decision.
        AwardTransition(
            name="supersede",
            sources=REPLACEABLE_AWARD_STATUSES,
            target=AwardStatus.SUPERSEDED,
            rule=None,
            action="award.superseded",
            refusal="Only a current, suspended or unpublished award can be replaced.",
            checks_expiry=False,
        ),
        # The nightly job, after the award's last valid day.
        AwardTransition(
            name="expire",
            sources=EXPIRING_AWARD_STATUSES,
            target=AwardStatus.EXPIRED,
            rule=None,
            action="award.expired",
            refusal="Only an award still in force can expire.",
            checks_expiry=False,
            needs_reason=False,
        ),
    )
}
