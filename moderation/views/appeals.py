"""Reviews of decisions (appeals).

The agency's lead asks for one from the decision page (members of other
agencies get 404); Coram staff record it; a panel chair who took no part in the
decision decides it. Chairs who took part, or have a conflict, get 404."""

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from applications.lifecycle import Status
from applications.selectors.submissions import own_application
from qualitymark.core.forms import posted, submit_form
from qualitymark.core.permissions import (
    agency_user_required,
    chair_or_staff_required,
    permission_required,
)

from ..forms.appeals import AcknowledgeAppealForm, AppealDecisionForm, AppealRequestForm
from ..selectors.appeals import appeal_for, appeal_of, appeal_window_closes_on, appeals_visible_to
from ..services import appeals as appeal_services
from ..services.panel import current_decision

GET_AND_POST = require_http_methods(["GET", "POST"])


def _why_not(user, application) -> str:
    """Why this person cannot ask for a review now (the page says so)."""
    if not rules.has_perm("applications.lead_application", user, application):
        return "Only your agency's lead can ask for a review of the panel's decision."
    closes_on = appeal_window_closes_on(application)
    return (
        f"The time to ask for a review ended on {closes_on:%-d %B %Y}. A review can be asked "
        f"for within {settings.APPEAL_WINDOW_DAYS} days of the panel's decision."
    )


@agency_user_required
@GET_AND_POST
def request_appeal(request, pk):
    application = own_application(request.user, pk)
    if application.status != Status.DECIDED or current_decision(application) is None:
        raise Http404
    appeal = appeal_of(application)
    may_ask = rules.has_perm("moderation.request_appeal", request.user, application)
    form = AppealRequestForm(posted(request)) if may_ask else None
    try:
        done = form and submit_form(
            request,
            form,
            lambda: appeal_services.request_appeal(
                actor=request.user, application=application, **form.cleaned_data
            ),
            success="You have asked for a review of the decision.",
            then=request.path,
        )
    except PermissionDenied:
        return redirect(request.path)
    return done or render(
        request,
        "moderation/appeals/request.html",
        {
            "application": application,
            "appeal": appeal,
            "form": form,
            "why_not": "" if may_ask or appeal else _why_not(request.user, application),
            "closes_on": appeal_window_closes_on(application),
            "window_days": settings.APPEAL_WINDOW_DAYS,
            "back_url": reverse("agency:decision", args=[application.pk]),
        },
    )


@chair_or_staff_required
@require_GET
def appeal_list(request):
    return render(
        request,
        "moderation/appeals/list.html",
        {"appeals": appeals_visible_to(request.user).select_related("requested_by")},
    )


def _fetch(request, appeal_pk):
    return appeal_for(request.user, appeal_pk)


def _detail(request, appeal, *, acknowledge_form=None, decide_form=None):
    user = request.user
    if acknowledge_form is None and rules.has_perm("moderation.acknowledge_appeal", user, appeal):
        acknowledge_form = AcknowledgeAppealForm()
    if decide_form is None and rules.has_perm("moderation.decide_appeal", user, appeal):
        decide_form = AppealDecisionForm(current_outcome=appeal.decision.outcome)
    return render(
        request,
        "moderation/appeals/detail.html",
        {
            "appeal": appeal,
            "application": appeal.application,
            "acknowledge_form": acknowledge_form,
            "decide_form": decide_form,
            "back_url": reverse("moderation:appeals"),
        },
    )


@permission_required("moderation.view_appeal", fetch=_fetch)
@GET_AND_POST
def appeal_detail(request, appeal):
    if request.method == "GET":
        return _detail(request, appeal)
    if "reasons" in request.POST:
        return _decide(request, appeal)
    return _acknowledge(request, appeal)


def _acknowledge(request, appeal):
    form = AcknowledgeAppealForm(request.POST)
    if not rules.has_perm("moderation.acknowledge_appeal", request.user, appeal):
        raise Http404
    done = submit_form(
        request,
        form,
        lambda: appeal_services.acknowledge_appeal(
            actor=request.user, appeal=appeal, note=form.cleaned_data["note"]
        ),
        success="The request is recorded. The agency has been told.",
        then=reverse("moderation:appeal", args=[appeal.pk]),
    )
    return done or _detail(request, appeal, acknowledge_form=form)


def _decide(request, appeal):
    form = AppealDecisionForm(request.POST, current_outcome=appeal.decision.outcome)
    if not rules.has_perm("moderation.decide_appeal", request.user, appeal):
        raise Http404
    done = submit_form(
        request,
        form,
        lambda: appeal_services.decide_appeal(
            actor=request.user, appeal=appeal, **form.cleaned_data
        ),
        success="The outcome of the review is recorded. The agency has been told.",
        then=reverse("moderation:appeal", args=[appeal.pk]),
    )
    return done or _detail(request, appeal, decide_form=form)
