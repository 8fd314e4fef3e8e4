"""Reads of awards for Coram staff and for the agency that holds them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from applications.selectors.agencies import member_agencies_of
from qualitymark.audit.models import AuditEvent
from qualitymark.users.roles import roles_of

from ..models.awards import Award, AwardStatus, Certificate
from ..models.workflow import DescriptorFeedback

__all__ = [
    "action_plan",
    "award_history",
    "award_for_member",
    "award_for_staff",
    "awards_for_staff",
    "awards_of_agency",
    "certificate_of",
]

AWARD_STATUS_FILTERS = {
    **{status.value: Q(status=status) for status in AwardStatus},
    "published": Q(is_published=True),
    "unpublished": Q(is_published=False),
}


def awards_for_staff(actor, *, query: str = "", status: str = "", published: str = ""):
    if not roles_of(actor).coram_staff:
        return Award.objects.none()
    awards = Award.objects.select_related("agency", "application")
    if query:
        awards = awards.filter(
            Q(agency__name__icontains=query)
            | Q(number__iexact=query)
            | Q(application__reference__iexact=query)
        )
    if status == AwardStatus.PENDING:
        # Staff mean every award not yet published, a first award (current) among them.
        awards = awards.filter(
            Q(status=status) | Q(status=AwardStatus.CURRENT, first_published_at__isnull=True)
        )
    elif status in AwardStatus.values:
        awards = awards.filter(status=status)
    if published == "yes":
        awards = awards.filter(is_published=True)
    elif published == "no":
        awards = awards.filter(is_published=False)
    return awards.order_by("-awarded_on", "-id")


def award_for_staff(actor, pk: int) -> Award:
    award = (
        awards_for_staff(actor)
        .select_related("decision", "superseded_by", "application__agency")
        .filter(pk=pk)
        .first()
    )
    if award is None:
        raise Http404
    return award


def awards_of_agency(agency) -> QuerySet[Award]:
    return Award.objects.filter(agency=agency).select_related("superseded_by")


def award_for_member(user, slug: str, pk: int) -> Award:
    """An award of an agency the person belongs to (Coram staff use the staff pages)."""
    award = (
        Award.objects.filter(pk=pk, agency__slug=slug, agency__in=member_agencies_of(user))
        .select_related("agency", "application", "decision", "superseded_by")
        .first()
    )
    if award is None:
        raise Http404
    return award


def certificate_of(award: Award, version: int | None = None) -> Certificate | None:
    certificates = Certificate.objects.filter(award=award)
    if version is None:
        return certificates.filter(is_current=True).first()
    return certificates.filter(version=version).first()


def action_plan(award: Award) -> list[DescriptorFeedback]:
    """The panel's areas to develop, descriptor by descriptor, from the decision
    the award came from."""
    return list(
        DescriptorFeedback.objects.filter(decision_id=award.decision_id)
        .exclude(areas_to_develop="")
        .select_related("descriptor")
        .order_by("descriptor__number")
    )


def award_history(award: Award) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=Award._meta.label_lower, target_id=str(award.pk)
    ).order_by("created_at", "id")


def awards_without_current_certificate(*, older_than) -> QuerySet:
    """Ids of awards created before ``older_than`` that have no current
    certificate: their certificate job was lost or keeps failing."""
    from django.db.models import Exists, OuterRef

    current = Certificate.objects.filter(award=OuterRef("pk"), is_current=True)
    return (
        Award.objects.filter(created_at__lt=older_than)
        .exclude(Exists(current))
        .values_list("pk", flat=True)
    )
