"""Coram staff's lists of applications (screening and every application): a
page of the list read as values into flat rows. Making model objects of the
applications, their agencies and screenings, and following those relations in
the template, took most of the page's time."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from applications.lifecycle import State, state_of
from applications.models.agencies import AgencyType, Region
from applications.models.submissions import Application, ApplicationKind, Level
from qualitymark.core.rows import TemplateRow

from ..models.choices import FeeStatus, eligibility_answered, fee_status

ROW_COLUMNS = (
    "pk",
    "reference",
    "status",
    "kind",
    "level_sought",
    "submitted_at",
    "agency__name",
    "agency__agency_type",
    "agency__region",
    "screening__fee_status",
    "screening__eligibility_confirmed",
    "screening__eligibility_notes",
    "assignment_count",
)


@dataclass(frozen=True)
class StaffApplicationRow(TemplateRow):
    application_id: int
    reference: str
    agency: str
    agency_type: str
    region: str
    level_sought: str
    kind: str
    submitted_at: datetime | None
    state: State
    fee: FeeStatus  # awaiting until staff record a screening
    eligibility_confirmed: bool
    eligibility_checked: bool  # staff have recorded an answer, yes or no
    assignment_count: int
    submitted_review_count: int | None


def as_rows(applications: QuerySet[Application], *extra: str) -> QuerySet:
    """The list's applications as ROW_COLUMNS values (and the `extra`
    annotations), for `staff_application_rows`."""
    return applications.values(*ROW_COLUMNS, *extra)


def _label(choices, value) -> str:
    """As get_FOO_display(): the value itself if it is not one of the choices."""
    return dict(choices.choices).get(value, value)


def staff_application_rows(page) -> list[StaffApplicationRow]:
    rows = []
    for values in page:
        confirmed = bool(values["screening__eligibility_confirmed"])
        rows.append(
            StaffApplicationRow(
                application_id=values["pk"],
                reference=values["reference"],
                agency=values["agency__name"],
                agency_type=_label(AgencyType, values["agency__agency_type"]),
                region=_label(Region, values["agency__region"]),
                level_sought=_label(Level, values["level_sought"]),
                kind=_label(ApplicationKind, values["kind"]),
                submitted_at=values["submitted_at"],
                state=state_of(values["status"]),
                fee=fee_status(values["screening__fee_status"]),
                eligibility_confirmed=confirmed,
                eligibility_checked=eligibility_answered(
                    confirmed, values["screening__eligibility_notes"]
                ),
                assignment_count=values["assignment_count"],
                submitted_review_count=values.get("submitted_review_count"),
            )
        )
    return rows
