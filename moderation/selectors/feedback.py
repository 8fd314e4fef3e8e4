"""The feedback as the agency reads it: per descriptor, the panel's
consolidated rating, whether it is met, the strengths and the areas to develop;
and the chair's draft of it, with the text prefilled from the moderators."""

from dataclasses import dataclass

from applications.models.submissions import Application
from descriptors.models import DESCRIPTOR_COUNT

from ..models.drafts import DecisionDraft
from ..models.workflow import Decision, Review
from ..ratings import rating_label
from .panel import descriptor_lines
from .workflow import reviews_with_ratings


@dataclass
class FeedbackRow:
    descriptor: object
    rating: str
    met: bool
    strengths: str
    areas_to_develop: str


def strengths_field(descriptor) -> str:
    return f"strengths_{descriptor.pk}"


def areas_field(descriptor) -> str:
    return f"areas_{descriptor.pk}"


def feedback_rows(application: Application, texts: dict, descriptors=None) -> list[FeedbackRow]:
    """`texts` maps a descriptor id to its (strengths, areas to develop);
    `descriptors`, if given, are the framework's, in order."""
    return [
        FeedbackRow(
            descriptor=line.descriptor,
            rating=rating_label(line.consolidated),
            met=line.met,
            strengths=texts.get(line.descriptor.pk, ("", ""))[0],
            areas_to_develop=texts.get(line.descriptor.pk, ("", ""))[1],
        )
        for line in descriptor_lines(application, descriptors)
    ]


def decision_feedback_rows(decision: Decision) -> list[FeedbackRow]:
    """In two queries: a decision holds feedback on every descriptor
    (services.panel), so its descriptors come with it."""
    feedback = list(decision.feedback.select_related("descriptor").order_by("descriptor__number"))
    texts = {item.descriptor_id: (item.strengths, item.areas_to_develop) for item in feedback}
    descriptors = [item.descriptor for item in feedback]
    return feedback_rows(
        decision.application, texts, descriptors if len(descriptors) == DESCRIPTOR_COUNT else None
    )


def draft_feedback_rows(draft: DecisionDraft) -> list[FeedbackRow]:
    sections = draft.sections
    descriptors = draft.application.framework.descriptors.all()
    texts = {
        descriptor.pk: (
            sections.get(strengths_field(descriptor), ""),
            sections.get(areas_field(descriptor), ""),
        )
        for descriptor in descriptors
    }
    return feedback_rows(draft.application, texts)


def _unique_paragraphs(texts) -> str:
    seen: list[str] = []
    for text in texts:
        text = (text or "").strip()
        if text and text not in seen:
            seen.append(text)
    return "\n\n".join(seen)


def prefilled_feedback(application: Application) -> dict[str, str]:
    """For each descriptor, each moderator's strengths (and areas to develop) as
    separate paragraphs, in the order of the reviews, without repeating the same text."""
    reviews = reviews_with_ratings(
        Review.objects.filter(
            assignment__application=application,
            assignment__removed_at__isnull=True,
            submitted_at__isnull=False,
        )
    )
    by_descriptor: dict[int, list] = {}
    for review in reviews:
        for rating in review.ratings.all():
            by_descriptor.setdefault(rating.descriptor_id, []).append(rating)
    prefill = {}
    for descriptor in application.framework.descriptors.order_by("number"):
        ratings = by_descriptor.get(descriptor.pk, [])
        prefill[strengths_field(descriptor)] = _unique_paragraphs(r.strengths for r in ratings)
        prefill[areas_field(descriptor)] = _unique_paragraphs(r.areas_to_develop for r in ratings)
    return prefill


def decision_draft_of(application: Application) -> DecisionDraft | None:
    return (
        DecisionDraft.objects.filter(application=application)
        .select_related("application__framework", "meeting")
        .first()
    )


def _same_text(one: str, other: str) -> bool:
    return " ".join(one.split()) == " ".join(other.split())


def unfinished_sections(draft: DecisionDraft) -> dict[str, str]:
    """Each feedback section that may not be sent yet, with what to do about it."""
    unfinished = {}
    for descriptor in draft.application.framework.descriptors.order_by("number"):
        for field, part in (
            (strengths_field(descriptor), "strengths"),
            (areas_field(descriptor), "areas to develop"),
        ):
            text = (draft.sections.get(field) or "").strip()
            where = f"{descriptor.code} {part}"
            if not text:
                unfinished[field] = f"Enter the {where}"
            elif _same_text(text, draft.prefill.get(field) or ""):
                unfinished[field] = f"Edit the {where}: it is still the moderators' prefilled text"
    return unfinished
