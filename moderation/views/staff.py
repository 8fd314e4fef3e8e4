"""Coram staff's moderation pages (/staff/, namespace "staff"): the screening
queue, every application, and one application's screening, moderators,
information requests and reviews.

Every page is for Coram staff only (anyone else gets 404) and every change
goes through a service; a service's ValidationError is shown on the form."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from applications import selectors as application_selectors
from applications import services as application_services
from applications.lifecycle import Status, TransitionNotAllowed
from applications.models import Application
from qualitymark.core.forms import ConfirmForm, apply_errors, posted
from qualitymark.core.permissions import staff_required
from qualitymark.files.storage import file_response

from .. import selectors, services
from ..access import active_assignment_for
from ..forms import (
    ApplicationFilterForm,
    AssignModeratorForm,
    DueDateForm,
    EligibilityForm,
    FeeForm,
    InformationRequestForm,
    ReasonForm,
)
from ..models import Assignment, FeeStatus, Recommendation, ReviewRevision, Screening

GET_AND_POST = require_http_methods(["GET", "POST"])
INFORMATION_DUE_DAYS = 14
PAGE_SIZE = 50


# --- Helpers ---------------------------------------------------------------------------------


def _application(request, pk) -> Application:
    return selectors.staff_application(request.user, pk)


def _application_url(application) -> str:
    return reverse("staff:application", args=[application.pk])


def _screening(application) -> Screening | None:
    """The application's screening record, if staff have started one (loaded
    with select_related, or one query)."""
    return getattr(application, "screening", None)


def _review_state(assignment: Assignment) -> str:
    return _state_of(getattr(assignment, "review", None))


def _state_of(review) -> str:
    if review is not None and review.submitted_at is not None:
        return "submitted"
    if review is not None and review.version > 0:
        return "in_progress"
    return "not_started"


def _assignment_rows(application) -> list[selectors.QueueItem]:
    return [
        selectors.QueueItem(assignment, _review_state(assignment))
        for assignment in selectors.active_assignments(application)
    ]


def _active_assignment(application, assignment_pk) -> Assignment:
    return get_object_or_404(selectors.active_assignments(application), pk=assignment_pk)


def _can_assign(application) -> bool:
    return application.status in services.ASSIGNABLE_STATUSES


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


@dataclass(frozen=True)
class ApplicationRow:
    application: Application
    screening: Screening | None

    @property
    def fee_status(self) -> str:
        return self.screening.fee_status if self.screening else FeeStatus.AWAITING

    @property
    def eligibility_confirmed(self) -> bool:
        return bool(self.screening and self.screening.eligibility_confirmed)

    @property
    def eligibility_checked(self) -> bool:
        """Staff have recorded an answer (yes or no) about eligibility."""
        return bool(
            self.screening
            and (self.screening.eligibility_confirmed or self.screening.eligibility_notes)
        )


def _rows(applications) -> list[ApplicationRow]:
    return [ApplicationRow(application, _screening(application)) for application in applications]


@staff_required
@require_GET
def screening_queue(request):
    rows = _rows(selectors.screening_queue())
    return render(request, "moderation/staff/screening_queue.html", {"rows": rows})


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


def _status_counts() -> dict[str, int]:
    return dict(
        Application.objects.exclude(status=Status.DRAFT)
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )


@staff_required
@require_GET
def application_list(request):
    form = ApplicationFilterForm(request.GET or None, counts=_status_counts())
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    sort = request.GET.get("sort", "-submitted")
    if sort not in APPLICATION_SORTS:
        sort = "-submitted"
    applications = selectors.applications_for_staff(status=status).order_by(
        *APPLICATION_SORTS[sort]
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/staff/application_list.html",
        {
            "filter_form": form,
            "page": page,
            "rows": _rows(page.object_list),
            "headers": [SortHeader(key, label, sort) for key, label in APPLICATION_HEADERS],
            "status": status,
        },
    )


# --- One application --------------------------------------------------------------------------


@staff_required
@require_GET
def application_detail(request, pk):
    application = _application(request, pk)
    rows = _assignment_rows(application)
    can_assign = _can_assign(application)
    current_lead = next((row.assignment for row in rows if row.assignment.role == "lead"), None)
    needs_moderators = current_lead is None or len(rows) < settings.MIN_MODERATORS_PER_APPLICATION
    candidates = services.candidates_for(application) if can_assign else []
    suggestion = services.suggested_pair(application) if can_assign and needs_moderators else []
    submitted_reviews = sum(row.status == "submitted" for row in rows)
    return render(
        request,
        "moderation/staff/application_detail.html",
        {
            "application": application,
            "screening": _screening(application),
            "can_screen": application.status == Status.SUBMITTED,
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
            "default_due_date": services.default_due_date(),
            "acceptance_problems": (
                services.acceptance_problems(application)
                if application.status == Status.SUBMITTED
                else []
            ),
            "submitted_reviews": submitted_reviews,
            "information_requests": selectors.information_exchange(application),
            "overview": application_selectors.application_overview(application),
            "min_moderators": settings.MIN_MODERATORS_PER_APPLICATION,
        },
    )


def _screening_closed(request, application):
    return _moved_on(request, application, "its fee and eligibility can no longer be changed")


@staff_required
@GET_AND_POST
def record_fee(request, pk):
    application = _application(request, pk)
    if application.status != Status.SUBMITTED:
        return _screening_closed(request, application)
    screening = _screening(application)
    initial = {}
    if screening is not None and screening.fee_settled:
        initial = {
            "fee_status": screening.fee_status,
            "paid_on": screening.fee_paid_on,
            "invoice_number": screening.invoice_number,
            "reason": screening.fee_waiver_reason,
        }
    form = FeeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["fee_status"] == FeeStatus.PAID:
                services.record_fee_paid(
                    actor=request.user,
                    application=application,
                    paid_on=data["paid_on"],
                    invoice_number=data["invoice_number"],
                )
                message = f"The fee for {application.reference} is recorded as paid."
            else:
                services.waive_fee(
                    actor=request.user, application=application, reason=data["reason"]
                )
                message = f"The fee for {application.reference} is recorded as waived."
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(_application_url(application))
    return _page(request, application, "fee.html", form=form)


@staff_required
@GET_AND_POST
def record_eligibility(request, pk):
    application = _application(request, pk)
    if application.status != Status.SUBMITTED:
        return _screening_closed(request, application)
    screening = _screening(application)
    initial = {}
    if screening is not None and (screening.eligibility_confirmed or screening.eligibility_notes):
        initial = {
            "eligible": "yes" if screening.eligibility_confirmed else "no",
            "notes": screening.eligibility_notes,
        }
    form = EligibilityForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_eligibility(
                actor=request.user,
                application=application,
                eligible=form.cleaned_data["eligible"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if form.cleaned_data["eligible"]:
                messages.success(request, f"{application.agency.name} is recorded as eligible.")
            else:
                messages.success(
                    request,
                    f"{application.agency.name} is recorded as not eligible. You can return "
                    "the application to the agency.",
                )
            return redirect(_application_url(application))
    return _page(request, application, "eligibility.html", form=form)


# --- Moderators ---------------------------------------------------------------------------------


def _not_assignable(request, application):
    return _moved_on(request, application, "its moderators can no longer be changed")


@staff_required
@GET_AND_POST
def assign(request, pk):
    application = _application(request, pk)
    if not _can_assign(application):
        return _not_assignable(request, application)
    candidates = services.candidates_for(application)
    current_lead = next(
        (a for a in selectors.active_assignments(application) if a.role == Assignment.Role.LEAD),
        None,
    )
    initial = {
        "due_on": services.default_due_date(),
        "role": Assignment.Role.SECOND if current_lead else Assignment.Role.LEAD,
        "moderator": request.GET.get("moderator", ""),
    }
    form = AssignModeratorForm(
        posted(request), candidates=candidates, current_lead=current_lead, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        moderator = form.cleaned_data["moderator"]
        try:
            assignment = services.assign_moderator(
                actor=request.user,
                application=application,
                moderator=moderator,
                role=form.cleaned_data["role"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{moderator.user.get_full_name()} is now the "
                f"{assignment.get_role_display().lower()} and has been told by e-mail.",
            )
            return redirect(_application_url(application))
    return _page(request, application, "assign.html", form=form, candidates=candidates)


@staff_required
@GET_AND_POST
def change_assignment(request, pk, assignment_pk):
    application = _application(request, pk)
    assignment = _active_assignment(application, assignment_pk)
    if not _can_assign(application):
        return _not_assignable(request, application)
    form = DueDateForm(posted(request), initial={"due_on": assignment.due_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_due_date(
                actor=request.user, assignment=assignment, due_on=form.cleaned_data["due_on"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{assignment.moderator.user.get_full_name()}'s review is now due on "
                f"{form.cleaned_data['due_on']:%-d %B %Y}.",
            )
            return redirect(_application_url(application))
    return _page(request, application, "assignment_change.html", form=form, assignment=assignment)


@staff_required
@GET_AND_POST
def remove_assignment(request, pk, assignment_pk):
    application = _application(request, pk)
    assignment = _active_assignment(application, assignment_pk)
    if not _can_assign(application):
        return _not_assignable(request, application)
    name = assignment.moderator.user.get_full_name()
    form = ReasonForm(
        posted(request),
        label=f"Why are you taking {name} off this application?",
        help_text=f"{name} is told by e-mail, with this reason.",
        missing="Enter why the moderator is being removed",
        submit_label="Remove moderator",
        warning=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_assignment(
                actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{name} is no longer reviewing {application.reference}. "
                "Assign another moderator if the application needs one.",
            )
            return redirect(_application_url(application))
    return _page(
        request,
        application,
        "assignment_remove.html",
        form=form,
        assignment=assignment,
        review_state=_review_state(assignment),
    )


# --- Accept or return ---------------------------------------------------------------------------


def _already_screened(request, application):
    return _moved_on(request, application, "it can no longer be accepted or returned to the agency")


@staff_required
@GET_AND_POST
def accept(request, pk):
    application = _application(request, pk)
    if application.status != Status.SUBMITTED:
        return _already_screened(request, application)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_for_moderation(actor=request.user, application=application)
        except ValidationError as error:
            apply_errors(form, error)
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Application {application.reference} has been accepted for moderation. "
                "The agency and the moderators have been told by e-mail.",
            )
            return redirect(_application_url(application))
    problems = services.acceptance_problems(application)
    return _page(
        request,
        application,
        "accept.html",
        form=form,
        problems=problems,
        assignment_rows=_assignment_rows(application),
    )


@staff_required
@GET_AND_POST
def return_to_agency(request, pk):
    application = _application(request, pk)
    if application.status != Status.SUBMITTED:
        return _already_screened(request, application)
    form = ReasonForm(
        posted(request),
        label="What does the agency need to change?",
        help_text="The agency's leads get this in an e-mail. Explain what is missing or "
        "what to change, without naming any child, carer or birth family member.",
        missing="Enter what the agency needs to change",
        submit_label="Return application",
        warning=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.return_to_agency(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            # A returned application is a draft again: it leaves the staff pages
            # until the agency resubmits it.
            messages.success(
                request,
                f"Application {application.reference} has been returned to "
                f"{application.agency.name}. Its leads have been told by e-mail.",
            )
            return redirect("staff:screening")
    return _page(request, application, "return.html", form=form)


# --- Reviews and the panel ----------------------------------------------------------------------


def _rating_label(value) -> str:
    labels = settings.RATING_LABELS
    if value is None or not 0 <= value < len(labels):
        return ""
    return labels[value]


def _recommendation_label(value) -> str:
    return Recommendation(value).label if value in Recommendation.values else ""


@dataclass(frozen=True)
class RevisionView:
    revision: ReviewRevision
    recommendation: str
    ratings: list[dict]


@staff_required
@require_GET
def reviews(request, pk):
    application = _application(request, pk)
    visible = selectors.reviews_visible_to(request.user, application).prefetch_related(
        "revisions__created_by"
    )
    items = []
    for review in selectors.reviews_with_ratings(visible):
        for rating in review.ratings.all():
            rating.label = _rating_label(rating.rating)
        revisions = [
            RevisionView(
                revision,
                _recommendation_label(revision.snapshot.get("recommendation")),
                [
                    {**item, "label": _rating_label(item.get("rating"))}
                    for item in revision.snapshot.get("ratings", [])
                ],
            )
            for revision in review.revisions.all()
        ]
        items.append(
            {
                "review": review,
                "state": _state_of(review),
                "revisions": revisions,
            }
        )
    assignments_without_review = [
        row
        for row in _assignment_rows(application)
        if getattr(row.assignment, "review", None) is None
    ]
    # Staff who are also moderators on this application are bound by
    # independence like any moderator: reviews_visible_to shows them only
    # their own review until they submit it.
    own = active_assignment_for(request.user, application)
    return _page(
        request,
        application,
        "reviews.html",
        items=items,
        not_started=assignments_without_review,
        bound_by_own_review=own is not None and _review_state(own) != "submitted",
    )


@staff_required
@GET_AND_POST
def open_panel(request, pk):
    application = _application(request, pk)
    if application.status != Status.IN_REVIEW:
        messages.info(
            request,
            f"Application {application.reference} is "
            f"{application.get_status_display().lower()}: only an application in review can "
            "move to panel.",
        )
        return redirect(_application_url(application))
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            opened = services.open_panel_if_all_reviews_in(application)
        if opened:
            messages.success(
                request, f"Application {application.reference} is now ready for the panel."
            )
            return redirect(_application_url(application))
        form.add_error(
            None, "Every moderator must submit their review before the application goes to panel"
        )
    rows = _assignment_rows(application)
    submitted = sum(row.status == "submitted" for row in rows)
    minimum = settings.MIN_MODERATORS_PER_APPLICATION
    return _page(
        request,
        application,
        "open_panel.html",
        form=form,
        assignment_rows=rows,
        ready=len(rows) >= minimum and submitted == len(rows),
        submitted=submitted,
        min_moderators=minimum,
    )


# --- Information requests and files -------------------------------------------------------------


@staff_required
@GET_AND_POST
def request_information(request, pk):
    application = _application(request, pk)
    if application.status != Status.IN_REVIEW:
        return _page(request, application, "information_request.html", form=None)
    descriptors = list(application.framework.descriptors.order_by("number"))
    form = InformationRequestForm(
        posted(request),
        descriptors=descriptors,
        initial={"due_on": timezone.localdate() + timedelta(days=INFORMATION_DUE_DAYS)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            information_request = services.request_information(
                actor=request.user,
                application=application,
                questions=form.cleaned_data["questions"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            count = len(form.cleaned_data["questions"])
            messages.success(
                request,
                f"Your question{'s have' if count != 1 else ' has'} been sent to "
                f"{application.agency.name}. They have until "
                f"{information_request.due_on:%-d %B %Y} to answer.",
            )
            return redirect(_application_url(application))
    return _page(request, application, "information_request.html", form=form)


@staff_required
@require_GET
def evidence_download(request, pk, file_pk):
    """Any current, checked file of the application, as an attachment. Every
    download is recorded in the audit trail."""
    application = _application(request, pk)
    evidence = application_selectors.evidence_for(application, file_pk)
    if not evidence.is_servable:
        raise Http404("This file is not available.")
    response = file_response(
        evidence.storage_key,
        download_name=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    application_services.record_download(actor=request.user, evidence=evidence)
    return response
