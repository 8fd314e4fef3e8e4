"""Reads about applications, scoped to the person asking. Pages built from
these run a fixed number of queries however many sections or files there are."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from descriptors.models import Descriptor
from qualitymark.files import text_extraction
from qualitymark.users.roles import roles_of

from ..models.evidence import EvidenceFile
from ..models.submissions import Application, SectionAnswer
from ..section_list import Section, sections_for, summary_items

# Text fields that hold narrative; structured contact fields are not scanned.
NARRATIVE_FIELDS = (
    "service_description",
    "partnership_arrangements",
    "narrative",
    "changes",
    "development_progress",
)
SCANNED_FILE_KINDS = text_extraction.TEXT_KINDS | text_extraction.PICTURE_KINDS


OWN_APPLICATION_RELATED = ("agency", "framework", "declaration_signed_by")


def own_application(user, pk: int, *, related=OWN_APPLICATION_RELATED) -> Application:
    """An application of one of the person's agencies, or 404; read with the
    `related` objects its page shows."""
    roles = roles_of(user)
    return get_object_or_404(
        Application.objects.select_related(*related),
        pk=pk,
        agency_id__in=roles.agency_ids,
        agency__is_active=True,
    )


def applications_of_agency(agency) -> QuerySet[Application]:
    return agency.applications.select_related("framework").order_by("-created_at")


def open_application_of(agency) -> Application | None:
    return agency.applications.that("is_open").first()


def earlier_applications_for_prefill(agency) -> QuerySet[Application]:
    return agency.applications.that("is_locked").exclude(reference__isnull=True)


def descriptors_for(application) -> list[Descriptor]:
    return list(
        application.framework.descriptors.order_by("number").prefetch_related(Prefetch("markers"))
    )


@dataclass
class SectionRow:
    section: Section
    answer: SectionAnswer | None
    files: list[EvidenceFile] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def state(self) -> str:
        return self.answer.state if self.answer else SectionAnswer.State.NOT_STARTED

    @property
    def is_completed(self) -> bool:
        return self.state == SectionAnswer.State.COMPLETED

    @property
    def is_in_progress(self) -> bool:
        return self.state == SectionAnswer.State.IN_PROGRESS

    @property
    def data(self) -> dict:
        return self.answer.data if self.answer else {}

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    def summary(self, application) -> list[tuple[str, object]]:
        return summary_items(self.section, application, self.data)


@dataclass
class ApplicationOverview:
    application: Application
    rows: list[SectionRow]

    @property
    def groups(self) -> list[tuple[str, list[SectionRow]]]:
        grouped: dict[str, list[SectionRow]] = {}
        for row in self.rows:
            grouped.setdefault(row.section.group, []).append(row)
        return list(grouped.items())

    @property
    def completed_count(self) -> int:
        return sum(row.is_completed for row in self.rows)

    @property
    def all_completed(self) -> bool:
        return all(row.is_completed for row in self.rows)

    def row(self, key: str) -> SectionRow | None:
        return next((row for row in self.rows if row.key == key), None)

    @property
    def files(self) -> list[EvidenceFile]:
        return [evidence for row in self.rows for evidence in row.files]

    @property
    def summaries(self) -> list[tuple[SectionRow, list[tuple[str, object]]]]:
        return [(row, row.summary(self.application)) for row in self.rows]


def application_overview(application: Application) -> ApplicationOverview:
    """Every section with its answer and files, in four queries."""
    descriptors = descriptors_for(application)
    answers = {answer.key: answer for answer in application.answers.all()}
    files_by_section: dict[str, list[EvidenceFile]] = {}
    for evidence in application.evidence_files.current().order_by("uploaded_at", "id"):
        files_by_section.setdefault(evidence.section_key, []).append(evidence)
    rows = [
        SectionRow(section, answers.get(section.key), files_by_section.get(section.key, []))
        for section in sections_for(application, descriptors)
    ]
    return ApplicationOverview(application, rows)


def evidence_for(application: Application, pk: int) -> EvidenceFile:
    return get_object_or_404(
        EvidenceFile.objects.select_related("application"),
        Q(removed_at__isnull=True),
        pk=pk,
        application=application,
    )


def last_transition(application: Application, name: str):
    """The audit event of the latest `name` transition of `application` (its reason is in
    ``changes["reason"]``), or None."""
    return latest_event(application, f"application.{name}")


def latest_event(application: Application, action: str):
    from qualitymark.audit.models import AuditEvent

    return (
        AuditEvent.objects.filter(
            target_type=Application._meta.label_lower,
            target_id=str(application.pk),
            action=action,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def returned_by_coram(application: Application):
    """For a draft that had been submitted: Coram's latest return of it, with its reason."""
    if application.submitted_at is None or not application.state.agency_may_edit:
        return None
    return last_transition(application, "return_to_agency")
