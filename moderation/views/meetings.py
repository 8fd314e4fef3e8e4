"""Panel meetings, for Coram staff: the list, a new meeting, its agenda and cancelling it."""

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from qualitymark.core.forms import posted, submit_form
from qualitymark.core.pagination import bounded_page
from qualitymark.core.permissions import staff_required

from ..forms.panel import MeetingDetailsForm, MeetingForm
from ..forms.staff import ReasonForm
from ..models.workflow import Decision, PanelMeeting
from ..selectors.panel import panel_meetings
from ..services.meetings import cancel_meeting
from ..services.panel import create_meeting, quorum_members, set_meeting_details
from .panel import GET_AND_POST

# --- Panel meetings (Coram staff) ------------------------------------------------------------


@staff_required
def meeting_list(request):
    page = bounded_page(request, panel_meetings())
    return render(
        request,
        "moderation/panel/meeting_list.html",
        {"page": page, "meetings": page.object_list, "quorum": settings.PANEL_QUORUM},
    )


@staff_required
@GET_AND_POST
def meeting_create(request):
    form = MeetingForm(posted(request))
    if done := submit_form(
        request,
        form,
        lambda: create_meeting(
            actor=request.user,
            held_on=form.cleaned_data["held_on"],
            chair=form.cleaned_data["chair"],
            title=form.cleaned_data["title"],
        ),
        success=lambda meeting: f"{meeting} has been arranged. Now add the members and the agenda.",
        then=lambda meeting: reverse("staff:meeting", args=[meeting.pk]),
    ):
        return done
    return render(
        request,
        "applications/form_page.html",
        {
            "form": form,
            "title": "Arrange a panel meeting",
            "caption": "Panel meetings",
            "intro": "Choose the date and the chair. You add the members present and the "
            "applications on the agenda next.",
            "back_url": reverse("staff:meetings"),
        },
    )


@dataclass
class AgendaItem:
    application: object
    counted: list
    conflicted: list
    quorate: bool
    decision: Decision | None


def _agenda_items(meeting, agenda, present) -> list[AgendaItem]:
    """Each application on the agenda with who counts towards its quorum and its decision."""
    decisions = {
        decision.application_id: decision
        for decision in Decision.objects.filter(application__in=agenda, superseded_by__isnull=True)
    }
    items = []
    for application in agenda:
        counted = quorum_members(meeting, application)
        counted_ids = {member.pk for member in counted}
        items.append(
            AgendaItem(
                application=application,
                counted=counted,
                conflicted=[member for member in present if member.pk not in counted_ids],
                quorate=len(counted) >= settings.PANEL_QUORUM,
                decision=decisions.get(application.pk),
            )
        )
    return items


@staff_required
@GET_AND_POST
def meeting_detail(request, meeting_pk):
    meeting = get_object_or_404(PanelMeeting.objects.select_related("chair__user"), pk=meeting_pk)
    present = list(meeting.members_present.select_related("user"))
    agenda = list(meeting.agenda.select_related("agency").order_by("reference"))
    form = MeetingDetailsForm(
        posted(request),
        meeting=meeting,
        initial={
            "members_present": present or [meeting.chair],
            "agenda": agenda,
            "notes": meeting.notes,
        },
    )
    if done := submit_form(
        request,
        form,
        lambda: set_meeting_details(
            actor=request.user,
            meeting=meeting,
            members_present=form.cleaned_data["members_present"],
            agenda=form.cleaned_data["agenda"],
            notes=form.cleaned_data["notes"],
        ),
        success="The meeting's details have been saved.",
        then=reverse("staff:meeting", args=[meeting.pk]),
    ):
        return done
    return render(
        request,
        "moderation/panel/meeting_detail.html",
        {
            "meeting": meeting,
            "present": present,
            "items": _agenda_items(meeting, agenda, present),
            "quorum": settings.PANEL_QUORUM,
            "form": form,
            "back_url": reverse("staff:meetings"),
        },
    )


@staff_required
@GET_AND_POST
def meeting_cancel(request, meeting_pk):
    meeting = get_object_or_404(PanelMeeting.objects.select_related("chair__user"), pk=meeting_pk)
    form = ReasonForm(
        posted(request),
        label="Why is the meeting cancelled?",
        help_text="Kept in the audit log. The applications on its agenda wait for another meeting.",
        missing="Enter why the meeting is cancelled",
        submit_label="Cancel the meeting",
        warning=True,
    )
    if done := submit_form(
        request,
        form,
        lambda: cancel_meeting(
            actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
        ),
        success=f"{meeting} has been cancelled.",
        then=reverse("staff:meetings"),
    ):
        return done
    return render(
        request,
        "applications/form_page.html",
        {
            "form": form,
            "title": f"Cancel {meeting}",
            "caption": "Panel meetings",
            "back_url": reverse("staff:meeting", args=[meeting.pk]),
        },
    )
