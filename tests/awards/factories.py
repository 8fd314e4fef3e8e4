"""Awards made straight in the database, for tests of the read side (the
register, verification, badges) that need many of them quickly. Tests of how
awards come about use tests.awards.builders, which goes through the services."""

import itertools
from datetime import date

from descriptors.services import ensure_working_framework
from moderation.models.awards import Award, AwardStatus
from moderation.models.workflow import Decision
from tests.factories import AgencyFactory, UserFactory

_numbers = itertools.count(9000)


def make_award(
    *,
    agency=None,
    level: str = "full",
    status: str = AwardStatus.CURRENT,
    published: bool = True,
    awarded_on: date = date(2026, 3, 10),
    expires_on: date = date(2029, 3, 9),
    **agency_fields,
) -> Award:
    from applications.models.submissions import Application

    n = next(_numbers)
    agency = agency or AgencyFactory(**agency_fields)
    recorder = UserFactory()
    application = Application.objects.create(
        agency=agency,
        framework=ensure_working_framework(),
        kind="new",
        level_sought=level,
        reference=f"EPQM-2026-{n}",
        status="decided",
        created_by=recorder,
    )
    decision = Decision.objects.create(
        application=application,
        outcome=level,
        suggested_outcome=level,
        rationale="Made for a test.",
        recorded_by=recorder,
    )
    from django.utils import timezone

    return Award.objects.create(
        agency=agency,
        application=application,
        decision=decision,
        level=level,
        number=f"EPQM-C-{awarded_on.year}-{n}",
        awarded_on=awarded_on,
        expires_on=expires_on,
        status=status,
        status_reason="" if status in (AwardStatus.CURRENT, AwardStatus.EXPIRED) else "A reason.",
        is_published=published,
        published_at=timezone.now() if published else None,
        first_published_at=timezone.now() if published else None,
    )


def award_application(application, **fields) -> Award:
    """An award (and its decision) for an application already in the database."""
    from applications.models.submissions import Application

    Application.objects.filter(pk=application.pk).update(status="decided")
    level = fields.pop("level", application.level_sought)
    decision = Decision.objects.create(
        application=application,
        outcome=level,
        suggested_outcome=level,
        rationale="Made for a test.",
        recorded_by=application.created_by,
    )
    n = next(_numbers)
    return Award.objects.create(
        agency=application.agency,
        application=application,
        decision=decision,
        level=level,
        number=f"EPQM-C-2026-{n}",
        awarded_on=fields.pop("awarded_on", date(2026, 3, 10)),
        expires_on=fields.pop("expires_on", date(2029, 3, 9)),
        **fields,
    )
