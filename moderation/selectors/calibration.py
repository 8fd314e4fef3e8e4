"""The ratings a calibration report compares: every submitted review by a
moderator still assigned, for a panel meeting's agenda or a period."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from descriptors.models import Descriptor

from .. import calibration
from ..models.profiles import ModeratorProfile
from ..models.workflow import DescriptorRating, PanelMeeting
from ..ratings import SCALE, rating_order

__all__ = ["CalibrationReport", "calibration_report", "ratings_in_scope"]


def ratings_in_scope(
    *, meeting: PanelMeeting | None = None, since: date | None = None, until: date | None = None
) -> QuerySet[DescriptorRating]:
    ratings = DescriptorRating.objects.filter(
        review__submitted_at__isnull=False,
        review__assignment__removed_at__isnull=True,
        rating__isnull=False,
    )
    if meeting is not None:
        return ratings.filter(review__assignment__application__panel_meetings=meeting)
    if since is not None:
        ratings = ratings.filter(review__submitted_at__date__gte=since)
    if until is not None:
        ratings = ratings.filter(review__submitted_at__date__lte=until)
    return ratings


@dataclass
class DescriptorAgreement:
    descriptor: Descriptor
    agreement: calibration.Agreement


@dataclass
class CalibrationReport:
    applications: int
    moderators: dict[int, ModeratorProfile]
    overall: calibration.Agreement
    by_descriptor: list[DescriptorAgreement] = field(default_factory=list)
    pairs: list[calibration.PairKappa] = field(default_factory=list)
    severities: list[calibration.Severity] = field(default_factory=list)
    min_units: int = calibration.MIN_UNITS


def calibration_report(**scope) -> CalibrationReport:
    """Agreement overall (units: an application's rating on one descriptor),
    per descriptor (units: applications), per pair and per moderator."""
    rows = list(
        ratings_in_scope(**scope).values_list(
            "review__assignment__application_id",
            "descriptor_id",
            "review__assignment__moderator_id",
            "rating",
        )
    )
    scale = len(SCALE)
    overall: calibration.Units = {}
    per_descriptor: dict[int, calibration.Units] = {}
    for application_id, descriptor_id, moderator_id, key in rows:
        rating = rating_order(key)
        overall.setdefault((application_id, descriptor_id), {})[moderator_id] = rating
        per_descriptor.setdefault(descriptor_id, {}).setdefault(application_id, {})[
            moderator_id
        ] = rating
    descriptors = Descriptor.objects.in_bulk(per_descriptor)
    moderators = ModeratorProfile.objects.select_related("user").in_bulk(
        {moderator_id for _, _, moderator_id, _ in rows}
    )
    return CalibrationReport(
        applications=len({application_id for application_id, *_ in rows}),
        moderators=moderators,
        overall=calibration.agreement(overall, scale_size=scale),
        by_descriptor=[
            DescriptorAgreement(descriptors[pk], calibration.agreement(units, scale_size=scale))
            for pk, units in sorted(
                per_descriptor.items(), key=lambda item: (descriptors[item[0]].number, item[0])
            )
        ],
        pairs=calibration.pair_kappas(overall, scale_size=scale),
        severities=calibration.severities(overall),
    )
