"""Assigning moderators to applications, with a suggestion that avoids
conflicts and balances the current workload."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from applications.lifecycle import statuses_that
from applications.models.submissions import Application
from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm
from qualitymark.notifications.services import notify

from ..access import forget_access
from ..conflicts import Conflict, conflicts_by_moderator
from ..models.profiles import ModeratorProfile
from ..models.workflow import Assignment


@dataclass(frozen=True)
class Candidate:
    moderator: ModeratorProfile
    open_reviews: int
    conflicts: tuple[Conflict, ...]
    already_assigned: bool
    previously_removed: bool = False

    @property
    def is_conflicted(self) -> bool:
        return bool(self.conflicts)


def default_due_date() -> date:
    return timezone.localdate() + timedelta(days=settings.REVIEW_DAYS)


def candidates_for(application: Application) -> list[Candidate]:
    """Every active moderator with their open workload and any conflicts,
    the best choices first: not conflicted, least busy."""
    moderators = list(
        ModeratorProfile.objects.filter(is_active=True, user__is_active=True)
        .select_related("user")
        .annotate(
            open_reviews=Count(
                "assignments",
                filter=Q(
                    assignments__removed_at__isnull=True,
                    assignments__application__status__in=statuses_that("staff_may_assign"),
                )
                & (
                    Q(assignments__review__isnull=True)
                    | Q(assignments__review__submitted_at__isnull=True)
                ),
            )
        )
    )
    conflicts = conflicts_by_moderator(moderators, application)
    assigned = set(
        Assignment.objects.filter(application=application, removed_at__isnull=True).values_list(
            "moderator_id", flat=True
        )
    )
    removed = set(
        Assignment.objects.filter(application=application, removed_at__isnull=False).values_list(
            "moderator_id", flat=True
        )
    )
    candidates = [
        Candidate(
            moderator=moderator,
            open_reviews=moderator.open_reviews,
            conflicts=tuple(conflicts.get(moderator.pk, ())),
            already_assigned=moderator.pk in assigned,
            previously_removed=moderator.pk in removed and moderator.pk not in assigned,
        )
        for moderator in moderators
    ]
    return sorted(
        candidates,
        key=lambda c: (c.is_conflicted, c.already_assigned, c.open_reviews, str(c.moderator.user)),
    )


def suggested_pair(application: Application) -> list[Candidate]:
    """A lead and a second moderator: unconflicted, least busy, and with
    different expertise where that is possible."""
    free = [
        candidate
        for candidate in candidates_for(application)
        if not (candidate.is_conflicted or candidate.already_assigned)
        and not candidate.previously_removed
    ]
    if not free:
        return []
    lead = free[0]
    lead_expertise = set(lead.moderator.expertise)
    others = free[1:]
    second = next(
        (c for c in others if set(c.moderator.expertise) - lead_expertise),
        others[0] if others else None,
    )
    return [lead, second] if second else [lead]


def _check_moderator_free_of_conflicts(moderator: ModeratorProfile, application) -> None:
    if not moderator.is_active:
        raise ValidationError({"moderator": "This moderator is not active"})
    conflicts = conflicts_by_moderator([moderator], application).get(moderator.pk)
    if conflicts:
        raise ValidationError(
            {
                "moderator": f"{moderator.user} cannot review this application: "
                + "; ".join(conflict.reason for conflict in conflicts)
            }
        )


def _check_no_other_lead(application, moderator: ModeratorProfile) -> None:
    current_lead = Assignment.objects.filter(
        application=application, role=Assignment.Role.LEAD, removed_at__isnull=True
    ).first()
    if current_lead is not None and current_lead.moderator_id != moderator.pk:
        raise ValidationError(
            {
                "role": f"{current_lead.moderator.user} is already the lead moderator. "
                "Remove them or assign this moderator as second"
            }
        )


@transaction.atomic
def assign_moderator(
    *,
    actor,
    application: Application,
    moderator: ModeratorProfile,
    role: str,
    due_on: date | None = None,
) -> Assignment:
    require_perm(
        actor,
        "moderation.assign_moderators",
        message="Only Coram staff can assign moderators.",
    )
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.state.staff_may_assign:
        raise ValidationError(
            "Moderators can only be assigned to submitted applications under review."
        )
    _check_moderator_free_of_conflicts(moderator, application)
    due_on = due_on or default_due_date()
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The due date must be today or in the future"})
    if role == Assignment.Role.LEAD:
        _check_no_other_lead(application, moderator)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                application=application,
                moderator=moderator,
                role=role,
                due_on=due_on,
                assigned_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(
            f"{moderator.user} is already assigned to this application."
        ) from error
    record_event(
        actor=actor,
        action="assignment.created",
        target=application,
        changes={"moderator": moderator.user.email, "role": role, "due_on": due_on.isoformat()},
    )
    notify(
        template="assignment_created",
        to=[moderator.user.email],
        context={"assignment": assignment, "application": application},
    )
    forget_access(moderator.user)
    return assignment


@transaction.atomic
def change_due_date(*, actor, assignment: Assignment, due_on: date) -> Assignment:
    require_perm(
        actor,
        "moderation.assign_moderators",
        message="Only Coram staff can change due dates.",
    )
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.removed_at is not None or not assignment.application.state.staff_may_assign:
        raise ValidationError("This review can no longer be rescheduled.")
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The due date must be today or in the future"})
    before = assignment.due_on
    assignment.due_on = due_on
    assignment.save(update_fields=["due_on"])
    record_event(
        actor=actor,
        action="assignment.due_date_changed",
        target=assignment.application,
        changes={
            "moderator": assignment.moderator.user.email,
            "due_on": [before.isoformat(), due_on.isoformat()],
        },
    )
    return assignment


@transaction.atomic
def remove_assignment(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """Take a moderator off an application (e.g. to reassign it). Their
    review, if any, is kept on record but no longer counts."""
    require_perm(
        actor,
        "moderation.assign_moderators",
        message="Only Coram staff can reassign reviews.",
    )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the moderator is being removed"})
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.removed_at is not None:
        return assignment
    if not assignment.application.state.staff_may_assign:
        raise ValidationError(
            "Moderators cannot be taken off an application once it has gone to the panel."
        )
    assignment.removed_at = timezone.now()
    assignment.removal_reason = reason.strip()
    assignment.save(update_fields=["removed_at", "removal_reason"])
    record_event(
        actor=actor,
        action="assignment.removed",
        target=assignment.application,
        changes={"moderator": assignment.moderator.user.email, "reason": reason.strip()},
    )
    notify(
        template="assignment_removed",
        to=[assignment.moderator.user.email],
        context={"assignment": assignment, "application": assignment.application},
    )
    forget_access(assignment.moderator.user)
    return assignment
