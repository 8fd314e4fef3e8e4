"""The one function that changes an award's status (or its publication), as
the award state table (moderation.award_states) allows: permission, reason,
audit, the register's cache and the agency's e-mail, all in one place."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applications.selectors.agencies import active_leads_of, active_memberships_of
from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm
from qualitymark.notifications.services import notify

from ..award_states import REPLACEABLE_AWARD_STATUSES, TRANSITIONS, AwardStatus, refusal
from ..cache import invalidate_register
from ..models.awards import Award

__all__ = ["agency_recipients", "create_award", "transition_award"]

_KIND_WORDS = {"renewal": "a renewal", "upgrade": "an upgrade", "new": "a new application"}


def agency_recipients(award: Award) -> list[str]:
    """The agency's leads, or its members if it has no active lead."""
    leads = [membership.user.email for membership in active_leads_of(award.agency)]
    if leads:
        return leads
    return [membership.user.email for membership in active_memberships_of(award.agency)]


def _check(award: Award, transition, *, actor, reason: str) -> str:
    if transition.rule is not None:
        target = award.application if transition.rule == "moderation.chair_panel" else award
        require_perm(actor, transition.rule, target, message="You cannot change this award.")
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": "Give a reason"})
    why_not = refusal(
        transition,
        status=award.status,
        effective_status=award.effective_status(),
        is_published=award.is_published,
    )
    if why_not:
        raise ValidationError(why_not)
    return reason


def _replacement_reason(successor: Award) -> str:
    application = successor.application
    kind = _KIND_WORDS.get(application.kind, "a new application")
    return (
        f"Replaced by certificate {successor.number} after {kind} "
        f"application ({application.reference})."
    )


def _publish(award: Award, *, actor) -> dict:
    """Publishing an award replaces, in the same transaction, whatever award
    its agency held until now: the register never shows a gap."""
    predecessors = (
        Award.objects.select_for_update()
        .filter(agency_id=award.agency_id, status__in=REPLACEABLE_AWARD_STATUSES)
        .exclude(pk=award.pk)
    )
    for old in predecessors:
        transition_award(
            old, "supersede", actor=actor, reason=_replacement_reason(award), successor=award
        )
    now = timezone.now()
    award.is_published = True
    award.published_at = now
    award.first_published_at = award.first_published_at or now
    fields = ["is_published", "published_at", "first_published_at"]
    if award.status != AwardStatus.CURRENT:
        award.status, award.status_changed_at = AwardStatus.CURRENT, now
        fields += ["status", "status_changed_at"]
    award.save(update_fields=[*fields, "updated_at"])
    return {"is_published": [False, True]}


def transition_award(
    award: Award,
    name: str,
    *,
    actor,
    reason: str = "",
    status_reason: str = "",
    successor: Award | None = None,
) -> Award:
    """Make the transition ``name`` of the state table. ``status_reason``, if
    given, is what the award shows instead of ``reason``; ``successor`` is the
    award that replaces this one (for "supersede")."""
    transition = TRANSITIONS[name]
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("agency").get(pk=award.pk)
        reason = _check(award, transition, actor=actor, reason=reason)
        previous = award.status
        if name == "publish":
            changes = _publish(award, actor=actor)
        elif name == "unpublish":
            award.is_published = False
            award.save(update_fields=["is_published", "updated_at"])
            changes = {"is_published": [True, False]}
        else:
            award.status = transition.target
            award.status_reason = status_reason or reason
            award.status_changed_at = timezone.now()
            award.superseded_by = successor or award.superseded_by
            award.save(
                update_fields=[
                    "status",
                    "status_reason",
                    "status_changed_at",
                    "superseded_by",
                    "updated_at",
                ]
            )
            changes = {}
        if award.status != previous:
            changes["status"] = [previous, award.status]
        if successor is not None:
            changes["superseded_by"] = successor.number
        if reason:
            changes["reason"] = reason
        record_event(actor=actor, action=transition.action, target=award, changes=changes)
        invalidate_register()
        if transition.email:
            _tell_agency(award, transition.email, reason=reason)
    return award


def _tell_agency(award: Award, template: str, *, reason: str) -> None:
    notify(
        template=template,
        to=agency_recipients(award),
        context={
            "award": award,
            "reason": reason,
            "replaces_earlier": award.replaces.exists(),
            "award_url": settings.SITE_URL
            + reverse("agency:award", args=[award.agency.slug, award.pk]),
            "verify_url": award.verify_url,
        },
        dedupe_key=f"{template}-{award.pk}-{award.updated_at.isoformat()}",
    )


def create_award(*, agency_holds_award: bool, carried_status: str = "", **fields) -> Award:
    """Make a new award in the status the state table gives it on issue (or
    the status a corrected decision carries over from the award it replaces)."""
    from ..award_states import status_on_issue

    status = carried_status or status_on_issue(agency_holds_award=agency_holds_award)
    return Award.objects.create(status=status, status_changed_at=timezone.now(), **fields)
