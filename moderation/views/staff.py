"""Coram staff's moderation pages (/staff/, namespace "staff"): the screening
queue, every application, and one application's screening, moderators,
information requests and reviews.

Every page is for Coram staff only (anyone else gets 404) and every change
goes through a service; a service's ValidationError is shown on the form."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from applications.lifecycle import may_transition
from applications.models.submissions import Application
from applications.selectors.submissions import (
    application_overview,
    last_transition,
    latest_event,
)
from qualitymark.core.pagination import BoundedPaginator, bounded_page
from qualitymark.core.permissions import staff_required
from qualitymark.governance.retention import CONTENT_ERASED

from ..forms.staff import ApplicationFilterForm
from ..models.choices import fee_of
from ..models.workflow import Assignment, Screening
from ..review_progress import ReviewProgress, progress_of
from ..selectors import workflow as workflow_selectors
from ..selectors.dashboard import APPLICATION_FLAGS, application_flag, status_counts
from ..selectors.staff_lists import as_rows, staff_application_rows
from ..selectors.workflow import (
    QueueItem,
    active_assignments,
    applications_for_staff,
    information_exchange,
    staff_application,
)
from ..services.assignments import (
    candidates_for,
    default_due_date,
    suggested_pair,
)
from ..services.screening import acceptance_problems

GET_AND_POST = require_http_methods(["GET", "POST"])


# --- Helpers ---------------------------------------------------------------------------------


def _application(request, pk) -> Application:
    return staff_application(request.user, pk)


def _application_url(application) -> str:
    return reverse("staff:application", args=[application.pk])


def _screening(application) -> Screening | None:
    """The application's screening record, if staff have started one (loaded
    with select_related, or one query)."""
    return getattr(application, "screening", None)


def _review_state(assignment: Assignment) -> ReviewProgress:
    return progress_of(getattr(assignment, "review", None))


def _assignment_rows(application) -> list[QueueItem]:
    return [
        QueueItem(assignment, _review_state(assignment))
        for assignment in active_assignments(application)
    ]


def _active_assignment(application, assignment_pk) -> Assignment:
    return get_object_or_404(active_assignments(application), pk=assignment_pk)


def _can_assign(application) -> bool:
    return application.state.staff_may_assign


def _moved_on(request, application, what_is_closed: str):
    """Tell staff the application's status has moved on, so ``what_is_closed``,
    and take them back to the application's page."""
    messages.info(
        request,
        f"Application {application.reference} is {application.get_status_display().lower()}, "
        f"so {what_is_closed}.",
    )
    return redirect(_application_url(application))


def _page(request, application, template: str, **context):
    return render(
        request,
        f"moderation/staff/{template}",
        {"application": application, "back_url": _application_url(application), **context},
    )


# --- The screening queue and the list of applications ---------------------------------------


@staff_required
@require_GET
def screening_queue(request):
    page = bounded_page(request, as_rows(workflow_selectors.screening_queue()))
    return render(
        request,
        "moderation/staff/screening_queue.html",
        {"page": page, "rows": staff_application_rows(page.object_list)},
    )


@dataclass(frozen=True)
class SortHeader:
    key: str
    label: str
    current: str

    @property
    def aria_sort(self) -> str:
        if self.current == self.key:
            return "ascending"
        if self.current == f"-{self.key}":
            return "descending"
        return "none"

    @property
    def next(self) -> str:
        return f"-{self.key}" if self.current == self.key else self.key


APPLICATION_SORTS = {
    "submitted": ("submitted_at", "id"),
    "-submitted": ("-submitted_at", "-id"),
    "agency": ("agency__name", "id"),
    "-agency": ("-agency__name", "-id"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "status": ("status", "-submitted_at"),
    "-status": ("-status", "-submitted_at"),
}
APPLICATION_HEADERS = [
    ("reference", "Reference"),
    ("agency", "Agency"),
    ("submitted", "Submitted"),
    ("status", "Status"),
]


@staff_required
@require_GET
def application_list(request):
    counts = status_counts()
    form = ApplicationFilterForm(request.GET or None, counts=counts)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    sort = request.GET.get("sort", "-submitted")
    if sort not in APPLICATION_SORTS:
        sort = "-submitted"
    applications = applications_for_staff(status=status).order_by(*APPLICATION_SORTS[sort])
    flag = request.GET.get("flag", "")
    applications = application_flag(applications, flag)
    paginator = BoundedPaginator(as_rows(applications, "submitted_review_count"))
    if flag not in APPLICATION_FLAGS:  # the status counts already count these rows
        paginator.count = counts.get(status, 0) if status else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/staff/application_list.html",
        {
            "filter_form": form,
            "page": page,
            "rows": staff_application_rows(page.object_list),
            "headers": [SortHeader(key, label, sort) for key, label in APPLICATION_HEADERS],
            "status": status,
            "flag": APPLICATION_FLAGS.get(flag, ""),
        },
    )


# --- One application --------------------------------------------------------------------------


def _what_became_of(application) -> dict:
    """From the audit trail: the agency's withdrawal with its reason, and when retention
    deleted the content of a decided application."""
    return {
        "withdrawal": (
            last_transition(application, "withdraw") if application.withdrawn_at else None
        ),
        "erased": latest_event(application, CONTENT_ERASED) if application.decided_at else None,
    }


@staff_required
@require_GET
def application_detail(request, pk):
    application = _application(request, pk)
    rows = _assignment_rows(application)
    can_assign = _can_assign(application)
    current_lead = next((row.assignment for row in rows if row.assignment.role == "lead"), None)
    needs_moderators = current_lead is None or len(rows) < settings.MIN_MODERATORS_PER_APPLICATION
    candidates = candidates_for(application) if can_assign else []
    suggestion = suggested_pair(application) if can_assign and needs_moderators else []
    submitted_reviews = sum(row.status == ReviewProgress.SUBMITTED for row in rows)
    return render(
        request,
        "moderation/staff/application_detail.html",
        {
            "application": application,
            **_what_became_of(application),
            "screening": _screening(application),
            "fee": fee_of(_screening(application)),
            "can_screen": application.state.staff_may_screen,
            "may_open_panel": may_transition(application, "open_panel", request.user),
            "assignment_rows": rows,
            "removed_assignments": Assignment.objects.filter(
                application=application, removed_at__isnull=False
            )
            .select_related("moderator__user")
            .order_by("-removed_at"),
            "current_lead": current_lead,
            "can_assign": can_assign,
            "needs_moderators": needs_moderators,
            "suggestion": suggestion,
            "candidates": candidates,
            "default_due_date": default_due_date(),
            "acceptance_problems": (
                acceptance_problems(application) if application.state.staff_may_screen else []
            ),
            "submitted_reviews": submitted_reviews,
            "information_requests": information_exchange(application),
            "overview": application_overview(application),
            "min_moderators": settings.MIN_MODERATORS_PER_APPLICATION,
        },
    )
