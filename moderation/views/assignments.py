"""Coram staff assigning moderators to an application and changing or removing them."""

from qualitymark.core.forms import posted, submit_form
from qualitymark.core.permissions import staff_required

from ..forms.staff import AssignModeratorForm, DueDateForm, ReasonForm
from ..models.workflow import Assignment
from ..selectors.workflow import active_assignments
from ..services import assignments as assignments_services
from ..services.assignments import (
    assign_moderator,
    candidates_for,
    change_due_date,
    default_due_date,
)
from .staff import (
    GET_AND_POST,
    _active_assignment,
    _application,
    _application_url,
    _can_assign,
    _moved_on,
    _page,
    _review_state,
)

# --- Moderators ---------------------------------------------------------------------------------


def _not_assignable(request, application):
    return _moved_on(request, application, "its moderators can no longer be changed")


@staff_required
@GET_AND_POST
def assign(request, pk):
    application = _application(request, pk)
    if not _can_assign(application):
        return _not_assignable(request, application)
    candidates = candidates_for(application)
    current_lead = next(
        (a for a in active_assignments(application) if a.role == Assignment.Role.LEAD),
        None,
    )
    initial = {
        "due_on": default_due_date(),
        "role": Assignment.Role.SECOND if current_lead else Assignment.Role.LEAD,
        "moderator": request.GET.get("moderator", ""),
    }
    form = AssignModeratorForm(
        posted(request), candidates=candidates, current_lead=current_lead, initial=initial
    )
    done = submit_form(
        request,
        form,
        lambda: assign_moderator(
            actor=request.user,
            application=application,
            moderator=form.cleaned_data["moderator"],
            role=form.cleaned_data["role"],
            due_on=form.cleaned_data["due_on"],
        ),
        success=lambda assignment: (
            f"{form.cleaned_data['moderator'].user.get_full_name()} is now the "
            f"{assignment.get_role_display().lower()} and has been told by e-mail."
        ),
        then=_application_url(application),
    )
    return done or _page(request, application, "assign.html", form=form, candidates=candidates)


@staff_required
@GET_AND_POST
def change_assignment(request, pk, assignment_pk):
    application = _application(request, pk)
    assignment = _active_assignment(application, assignment_pk)
    if not _can_assign(application):
        return _not_assignable(request, application)
    form = DueDateForm(posted(request), initial={"due_on": assignment.due_on})
    if done := submit_form(
        request,
        form,
        lambda: change_due_date(
            actor=request.user, assignment=assignment, due_on=form.cleaned_data["due_on"]
        ),
        success=lambda _: (
            f"{assignment.moderator.user.get_full_name()}'s review is now due on "
            f"{form.cleaned_data['due_on']:%-d %B %Y}."
        ),
        then=_application_url(application),
    ):
        return done
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
    if done := submit_form(
        request,
        form,
        lambda: assignments_services.remove_assignment(
            actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
        ),
        success=(
            f"{name} is no longer reviewing {application.reference}. "
            "Assign another moderator if the application needs one."
        ),
        then=_application_url(application),
    ):
        return done
    return _page(
        request,
        application,
        "assignment_remove.html",
        form=form,
        assignment=assignment,
        review_state=_review_state(assignment),
    )
