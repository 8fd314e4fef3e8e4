"""The action plan of a Working Towards award: the agency's pages
(/agency/<slug>/awards/<pk>/action-plan/) and the page where Coram staff or a
moderator of the award acknowledge the progress report."""

from __future__ import annotations

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from qualitymark.core.forms import posted, submit_form
from qualitymark.core.permissions import agency_user_required, permission_required

from ..forms.action_plans import AcknowledgeForm, ActionForm, ProgressReportForm
from ..models.action_plans import PlannedAction
from ..selectors.action_plans import award_for_acknowledger, plan_page, working_towards_award
from ..selectors.awards import award_for_member
from ..services import action_plans as services

GET_AND_POST = require_http_methods(["GET", "POST"])


def _member_award(request, slug, pk):
    award = award_for_member(request.user, slug, pk)
    return working_towards_award(award, request.user, "moderation.read_action_plan")


def _lead_award(request, slug, pk, step):
    award = award_for_member(request.user, slug, pk)
    award = working_towards_award(award, request.user, "moderation.edit_action_plan")
    if not plan_page(award).allows(step):
        raise Http404
    return award


def _editable_award(request, slug, pk):
    return _lead_award(request, slug, pk, "edit_actions")


def _reporting_award(request, slug, pk):
    return _lead_award(request, slug, pk, "report_progress")


def _plan_url(award) -> str:
    return reverse("agency:action_plan", args=[award.agency.slug, award.pk])


def _areas(award):
    return award.decision.feedback.exclude(areas_to_develop="").select_related("descriptor")


@agency_user_required
@permission_required("moderation.read_action_plan", fetch=_member_award)
def agency_action_plan(request, award):
    page = plan_page(award)
    may_edit = rules.has_perm("moderation.edit_action_plan", request.user, award)
    context = {
        "award": award,
        "agency": award.agency,
        "page": page,
        "edit_links": may_edit and page.allows("edit_actions"),
        "may_report": may_edit and bool(page.actions) and page.allows("report_progress"),
    }
    return render(request, "moderation/action_plans/agency_plan.html", context)


@agency_user_required
@GET_AND_POST
@permission_required("moderation.edit_action_plan", fetch=_editable_award)
def agency_action_add(request, award):
    form = ActionForm(
        posted(request), areas=_areas(award), initial={"area": request.GET.get("area")}
    )

    def add():
        return services.add_action(actor=request.user, award=award, **_action_values(form))

    done = submit_form(request, form, add, success="Action added", then=_plan_url(award))
    return done or _form_page(request, award, form, "Add an action")


@agency_user_required
@GET_AND_POST
@permission_required("moderation.edit_action_plan", fetch=_editable_award)
def agency_action_edit(request, award, action_pk):
    planned = get_object_or_404(PlannedAction, pk=action_pk, plan__award=award)
    initial = {name: getattr(planned, name) for name in services.ACTION_FIELDS}
    form = ActionForm(posted(request), areas=_areas(award), was=planned.target_on, initial=initial)

    def update():
        return services.update_action(actor=request.user, action=planned, **_action_values(form))

    done = submit_form(request, form, update, success="Action saved", then=_plan_url(award))
    return done or _form_page(request, award, form, "Update an action")


def _action_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.ACTION_FIELDS}


def _form_page(request, award, form, title):
    return render(
        request,
        "moderation/action_plans/form.html",
        {"award": award, "agency": award.agency, "form": form, "title": title},
    )


@agency_user_required
@GET_AND_POST
@permission_required("moderation.edit_action_plan", fetch=_reporting_award)
def agency_progress_report(request, award):
    page = plan_page(award)
    if not page.actions:
        raise Http404
    form = ProgressReportForm(posted(request))

    def report():
        summary = form.cleaned_data["summary"]
        return services.report_progress(actor=request.user, award=award, summary=summary)

    success = "Progress report sent"
    done = submit_form(request, form, report, success=success, then=_plan_url(award))
    return done or render(
        request,
        "moderation/action_plans/progress.html",
        {"award": award, "agency": award.agency, "form": form, "page": page},
    )


def _acknowledger_award(request, pk):
    return award_for_acknowledger(request.user, pk)


@GET_AND_POST
@permission_required("moderation.acknowledge_action_plan", fetch=_acknowledger_award)
def acknowledge_action_plan(request, award):
    page = plan_page(award)
    form = AcknowledgeForm(posted(request))

    def acknowledge():
        comment = form.cleaned_data["comment"]
        return services.acknowledge_progress(actor=request.user, award=award, comment=comment)

    done = submit_form(
        request, form, acknowledge, success="Progress acknowledged", then=request.path
    )
    return done or render(
        request,
        "moderation/action_plans/acknowledge.html",
        {
            "award": award,
            "agency": award.agency,
            "form": form,
            "page": page,
            "may_acknowledge": page.allows("acknowledge"),
        },
    )
