"""Reviews of decisions (appeals): the window for asking, who took part in a
decision, and the appeals a person may see."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from applications.models.submissions import Application
from qualitymark.users.roles import roles_of

from ..access import is_conflicted_on
from ..models.appeals import Appeal
from ..models.workflow import Assignment, Decision


def first_decision(application: Application) -> Decision | None:
    return Decision.objects.filter(application=application).order_by("recorded_at").first()


def first_and_current_decision(
    application: Application,
) -> tuple[Decision | None, Decision | None]:
    """The first decision and the current one (the newest not superseded), in
    one query: an application has a handful of decisions at most."""
    decisions = list(Decision.objects.filter(application=application).order_by("recorded_at", "pk"))
    superseded = {decision.supersedes_id for decision in decisions}
    standing = [decision for decision in decisions if decision.pk not in superseded]
    for decision in decisions:
        decision.application = application
    return (decisions[0] if decisions else None), (standing[-1] if standing else None)


def appeal_window_closes_on(application: Application, first: Decision | None = None) -> date | None:
    """The last day the agency's lead may ask for a review of the decision
    (`first`: the first decision, if it has been read already)."""
    decision = first or first_decision(application)
    if decision is None:
        return None
    decided_on = timezone.localdate(decision.recorded_at)
    return decided_on + timedelta(days=settings.APPEAL_WINDOW_DAYS)


def appeal_window_is_open(application: Application) -> bool:
    closes_on = appeal_window_closes_on(application)
    return closes_on is not None and timezone.localdate() <= closes_on


def appeal_of(application: Application) -> Appeal | None:
    return Appeal.objects.filter(application=application).first()


def took_part_in_decision(user, application: Application) -> bool:
    """Recorded or chaired a decision on it, sat at the meeting that made one, or
    was assigned to review it."""
    # A decision recorded by deciding a review is the reviewer's own, not "the decision".
    decisions = Decision.objects.filter(application=application, from_appeal__isnull=True)
    return (
        decisions.filter(recorded_by=user).exists()
        or decisions.filter(meeting__chair__user=user).exists()
        or decisions.filter(meeting__members_present__user=user).exists()
        or Assignment.objects.filter(application=application, moderator__user=user).exists()
    )


def is_independent_of(user, application: Application) -> bool:
    return not took_part_in_decision(user, application) and not is_conflicted_on(user, application)


def appeals_visible_to(user) -> QuerySet[Appeal]:
    """All for Coram staff; for a panel chair, those they are independent of."""
    appeals = Appeal.objects.select_related("application__agency", "decision").order_by(
        "-requested_at"
    )
    roles = roles_of(user)
    if roles.coram_staff:
        return appeals
    if not roles.panel_chair:
        return appeals.none()
    allowed = [a.pk for a in appeals if is_independent_of(user, a.application)]
    return appeals.filter(pk__in=allowed)


def appeal_for(user, pk: int) -> Appeal:
    appeal = appeals_visible_to(user).filter(pk=pk).first()
    if appeal is None:
        raise Http404
    return appeal
