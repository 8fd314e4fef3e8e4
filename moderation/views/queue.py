"""A moderator's queue of assigned applications and the conflict declaration."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from qualitymark.core.forms import apply_errors, posted
from qualitymark.core.pagination import bounded_page
from qualitymark.core.permissions import moderator_required
from qualitymark.users.roles import roles_of

from ..conflicts import related_agencies
from ..forms.reviews import DeclarationForm, QueueFilterForm
from ..selectors.queue import QUEUE_SORTS, moderator_queue, queue_rows
from ..selectors.workflow import assignment_for_reviewer
from ..services import reviews as reviews_services
from .reviewer import GET_AND_POST

# --- The queue ------------------------------------------------------------------------------

# A person's own queue is short; a longer one says "More than 100" rather
# than counting on through a thousand rows on every look. The rows up to the
# limit are read with the page, not counted by a query of their own.
QUEUE_COUNT_LIMIT = 100

QUEUE_COLUMNS = {
    # column: (the sort a click chooses, the sort a second click chooses)
    "agency": ("agency", "agency"),
    "due": ("due", "-due"),
    "assigned": ("assigned", "assigned"),
}


def _queue_headers(sort: str, status: str) -> dict[str, dict]:
    """Links for the sortable column headers, keeping the status filter."""
    headers = {}
    for column, (first, second) in QUEUE_COLUMNS.items():
        current = sort in (first, second)
        target = second if sort == first else first
        if not current:
            aria = "none"
        elif sort == "-due" or sort == "assigned":
            aria = "descending"  # "assigned" lists the newest first
        else:
            aria = "ascending"
        query = {"sort": target, **({"status": status} if status else {})}
        headers[column] = {"url": f"?{urlencode(query)}", "aria_sort": aria, "current": current}
    return headers


@moderator_required
@require_GET
def queue(request):
    form = QueueFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    sort = request.GET.get("sort", "due")
    if sort not in QUEUE_SORTS:
        sort = "due"
    rows = moderator_queue(request.user, sort=sort, status=status)
    page = bounded_page(request, rows, limit=QUEUE_COUNT_LIMIT, read_ahead=True)
    return render(
        request,
        "moderation/queue.html",
        {
            "page": page,
            "items": queue_rows(page.object_list),
            "filter_form": form,
            "status": status,
            "sort": sort,
            "headers": _queue_headers(sort, status),
            "is_chair": roles_of(request.user).panel_chair,
        },
    )


# --- The conflict declaration ---------------------------------------------------------------


@moderator_required
@GET_AND_POST
def declare_conflict(request, pk):
    """Before any content: the agency's name and type, and one question."""
    assignment = assignment_for_reviewer(request.user, pk)
    if assignment.has_declared:
        return redirect("moderation:application", pk)
    application = assignment.application
    form = DeclarationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            reviews_services.declare_conflict(
                actor=request.user,
                assignment=assignment,
                has_conflict=form.cleaned_data["has_conflict"],
                details=form.cleaned_data.get("details", ""),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if form.cleaned_data["has_conflict"]:
                return render(
                    request,
                    "moderation/review/conflict_declared.html",
                    {"agency": application.agency},
                )
            messages.success(request, "Thank you. You can now read the application.")
            return redirect("moderation:application", pk)
    agency = application.agency
    partners = sorted(
        (other for other in related_agencies(agency) if other.pk != agency.pk),
        key=lambda other: other.name,
    )
    return render(
        request,
        "moderation/review/declare.html",
        {"form": form, "agency": agency, "partners": partners, "assignment": assignment},
    )
