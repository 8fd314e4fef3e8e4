"""Cancelling a panel meeting (Coram staff)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from qualitymark.core.forms import apply_errors, posted
from qualitymark.core.permissions import staff_required

from ..forms import ReasonForm
from ..models import PanelMeeting
from ..services.meetings import cancel_meeting


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, meeting_pk):
    meeting = get_object_or_404(PanelMeeting.objects.select_related("chair__user"), pk=meeting_pk)
    form = ReasonForm(
        posted(request),
        label="Why is the meeting cancelled?",
        help_text="Kept in the audit log. The applications on its agenda wait for another "
        "meeting.",
        missing="Enter why the meeting is cancelled",
        submit_label="Cancel the meeting",
        warning=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            cancel_meeting(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{meeting} has been cancelled.")
            return redirect("staff:meetings")
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
