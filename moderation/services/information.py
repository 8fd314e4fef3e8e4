"""Information requests: moderators or staff ask the agency questions; the
application waits (its clock paused) until the agency answers."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from applications import lifecycle
from applications.models.submissions import Application
from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm

from ..models.workflow import InformationQuestion, InformationRequest
from .clocks import restart_review_clocks


@transaction.atomic
def request_information(
    *, actor, application: Application, questions: list[tuple[object, str]], due_on: date
) -> InformationRequest:
    """questions: [(descriptor or None, question text), ...]"""
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_perm(
        actor,
        "moderation.request_information",
        application,
        message="You cannot ask this agency for information.",
    )
    if (
        not application.state.information_may_be_requested
        or application.information_requests.open().exists()
    ):
        raise ValidationError(
            "The agency has not answered the last request yet. Add your questions when it has."
        )
    questions = [(descriptor, text.strip()) for descriptor, text in questions if text.strip()]
    if not questions:
        raise ValidationError("Ask at least one question.")
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": "The due date must be in the future"})
    request = InformationRequest.objects.create(
        application=application, asked_by=actor, due_on=due_on
    )
    InformationQuestion.objects.bulk_create(
        [
            InformationQuestion(request=request, descriptor=descriptor, question=text, position=i)
            for i, (descriptor, text) in enumerate(questions)
        ]
    )
    lifecycle.transition(
        application,
        "request_information",
        actor=actor,
        changes={"request": request.pk, "questions": len(questions), "due_on": due_on.isoformat()},
    )
    return request


def _lock_open_request_for_agency(actor, request: InformationRequest) -> InformationRequest:
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    require_perm(
        actor,
        "applications.respond_to_information_request",
        request.application,
        message="Only the agency can answer.",
    )
    if request.status != InformationRequest.Status.OPEN:
        raise ValidationError("This request has already been answered.")
    return request


@transaction.atomic
def save_draft_answers(
    *, actor, request: InformationRequest, answers: dict[int, str]
) -> InformationRequest:
    """Keep what the agency has typed without sending it: the moderators see
    nothing until the answers are sent."""
    request = _lock_open_request_for_agency(actor, request)
    changed = []
    for question in request.questions.all():
        text = (answers.get(question.pk) or "").strip()
        if text != question.draft_answer:
            question.draft_answer = text
            question.save(update_fields=["draft_answer"])
            changed.append(question.pk)
    if changed:
        record_event(
            actor=actor,
            action="information_request.draft_saved",
            target=request.application,
            changes={"request": request.pk, "questions": changed},
        )
    return request


@transaction.atomic
def respond_to_information_request(
    *, actor, request: InformationRequest, answers: dict[int, str]
) -> InformationRequest:
    """answers: {question id: answer}. Files are added beforehand as evidence
    under request.evidence_section_key."""
    request = _lock_open_request_for_agency(actor, request)
    application = request.application
    missing = []
    for question in request.questions.all():
        answer = (answers.get(question.pk) or "").strip()
        if not answer:
            missing.append(question.pk)
        question.answer = answer
        question.draft_answer = answer
        question.save(update_fields=["answer", "draft_answer"])
    if missing:
        raise ValidationError({f"answer_{pk}": "Answer this question" for pk in missing})
    request.status = InformationRequest.Status.ANSWERED
    request.responded_by = actor
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_by", "responded_at"])
    lifecycle.transition(
        application,
        "respond_to_information_request",
        actor=actor,
        changes={"request": request.pk},
    )
    restart_review_clocks(actor=actor, request=request)
    # Every review may have arrived while the agency was answering.
    from .reviews import open_panel_if_all_reviews_in

    open_panel_if_all_reviews_in(application)
    return request
