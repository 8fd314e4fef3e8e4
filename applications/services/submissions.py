"""Every write about an application's content: starting it, saving a section,
signing the declaration, submitting and withdrawing."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from descriptors.selectors import current_framework
from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm

from .. import lifecycle
from ..models.agencies import Agency
from ..models.evidence import IdentifierConfirmation
from ..models.submissions import (
    Application,
    ApplicationKind,
    FeeBand,
    Level,
    ReferenceSequence,
    SectionAnswer,
)
from ..selectors.start_options import start_options
from . import carry_over

REFERENCE_PREFIX = "EPQM"

# The standard fee is £750 per agency; partnerships pay on a scale by the
# number of member agencies. Working figures for the scale, editable as
# FeeBand rows in the admin (migration 0004 loads these).
DEFAULT_FEE_BANDS = [
    (1, 75_000, "Standard fee (one agency)"),
    (2, 130_000, "Partnership of two agencies"),
    (3, 180_000, "Partnership of three or four agencies"),
    (5, 230_000, "Partnership of five or more agencies"),
]


class EditConflict(Exception):
    """Someone saved this section after the person started editing it."""

    def __init__(self, current: SectionAnswer):
        super().__init__("This section was changed by someone else while you were editing it.")
        self.current = current


class NotReadyToSubmit(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Fee:
    agencies: int
    amount_pence: int
    description: str

    @property
    def pounds(self) -> float:
        return self.amount_pence / 100


def agencies_covered(agency: Agency) -> int:
    return agency.partnership_members.count() if agency.is_partnership else 1


def fee_schedule() -> list[tuple[int, int, str]]:
    """(from this many agencies, fee in pence, description), as Coram staff
    set it in the admin, or the standard schedule when none is set."""
    bands = list(FeeBand.objects.values_list("min_agencies", "amount_pence", "description"))
    return sorted(bands or DEFAULT_FEE_BANDS)


def fee_for(agency: Agency) -> Fee:
    count = max(agencies_covered(agency), 1)
    applicable = [band for band in fee_schedule() if band[0] <= count]
    if not applicable:
        raise ValidationError("The fee schedule has no band for this agency. Tell Coram staff.")
    _, amount_pence, description = applicable[-1]
    return Fee(agencies=count, amount_pence=amount_pence, description=description)


# --- Starting ---------------------------------------------------------------------------


@transaction.atomic
def start_application(
    *,
    actor,
    agency: Agency,
    level_sought: str,
    kind: str,
    prefill_from: Application | None = None,
) -> Application:
    """Start a draft. A renewal needs a current or recently expired award, an
    upgrade a live Working Towards award (selectors.start_options says why not)."""
    require_perm(
        actor,
        "applications.start_application",
        agency,
        message="Only an agency lead can start an application.",
    )
    Agency.objects.select_for_update().get(pk=agency.pk)
    framework = _check_may_start(agency, kind=kind, level_sought=level_sought)
    copies_earlier = kind != ApplicationKind.NEW and prefill_from is not None
    if copies_earlier and (prefill_from.agency_id != agency.pk or not prefill_from.is_locked):
        raise ValidationError("You can only copy from one of your agency's earlier applications.")
    application = Application.objects.create(
        agency=agency,
        framework=framework,
        kind=kind,
        level_sought=level_sought,
        previous_application=prefill_from if copies_earlier else None,
        created_by=actor,
    )
    copied, files = [], []
    if copies_earlier:
        copied = carry_over.copy_answers(prefill_from, application, actor)
        files = carry_over.copy_evidence(prefill_from, application)
    record_event(
        actor=actor,
        action="application.started",
        target=application,
        changes={
            "kind": kind,
            "level_sought": level_sought,
            "framework": str(framework),
            **({"prefilled_from": str(prefill_from), "sections_copied": copied} if copied else {}),
            **({"files_copied": files} if files else {}),
        },
    )
    return application


def _check_may_start(agency: Agency, *, kind: str, level_sought: str):
    """The framework to write against, once nothing stands in the way."""
    open_application = agency.applications.that("is_open").first()
    if open_application is not None:
        raise ValidationError(
            f"Your agency already has an open application ({open_application}). "
            "Finish or withdraw it before starting another.",
            code="open_application",
        )
    framework = current_framework()
    if framework is None:
        raise ValidationError(
            "Applications are not open: no descriptor framework is published yet.",
            code="no_framework",
        )
    options = start_options(agency)
    if not options.allows(kind):
        reason = options.refusals.get(kind, "Select what kind of application this is")
        raise ValidationError({"kind": reason}, code="kind_not_allowed")
    if kind == ApplicationKind.UPGRADE and level_sought != Level.FULL:
        raise ValidationError(
            {"level_sought": "An upgrade from Working Towards is an application for Full"}
        )
    return framework


# --- Editing ----------------------------------------------------------------------------


def _ensure_editable(actor, application: Application) -> None:
    if application.is_locked:
        raise PermissionDenied("This application has been submitted and can no longer be changed.")
    require_perm(
        actor,
        "applications.edit_application",
        application,
        message="You cannot change this application.",
    )


def clear_declaration_after_change(application: Application, actor) -> bool:
    if not application.is_declared:
        return False
    Application.objects.filter(pk=application.pk).update(
        declaration_signed_at=None, declaration_signed_by=None
    )
    application.declaration_signed_at = None
    application.declaration_signed_by = None
    record_event(
        actor=actor,
        action="application.declaration_cleared",
        target=application,
        changes={"reason": "content changed after the declaration was signed"},
    )
    return True


@transaction.atomic
def save_section(
    *,
    actor,
    application: Application,
    key: str,
    data: dict,
    state: str,
    expected_version: int,
) -> SectionAnswer:
    """Save one section. `expected_version` is the version the person loaded;
    if someone has saved since, nothing is written and EditConflict carries
    what is there now, so both versions can be shown.

    A change to the content unsigns the declaration; the returned answer's
    `declaration_cleared` says whether this save did that."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(actor, application)
    answer = (
        SectionAnswer.objects.select_for_update().filter(application=application, key=key).first()
    )
    current_version = answer.version if answer else 0
    if expected_version != current_version:
        raise EditConflict(answer)

    answer, before_state, changed_fields = _write_answer(
        actor, application, answer, key, data, state
    )
    content_changed = bool(changed_fields)
    answer.declaration_cleared = content_changed and clear_declaration_after_change(
        application, actor
    )
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    record_event(
        actor=actor,
        action="application.section_saved",
        target=application,
        changes={
            "section": key,
            "state": [before_state, state],
            "version": answer.version,
            "fields_changed": changed_fields,
        },
    )
    return answer


def _write_answer(actor, application, answer, key, data, state):
    """The saved answer, the state it had and the fields this save changed."""
    if answer is None:
        try:
            with transaction.atomic():
                answer = SectionAnswer.objects.create(
                    application=application,
                    key=key,
                    data=data,
                    state=state,
                    version=1,
                    updated_by=actor,
                )
        except IntegrityError as error:
            raise EditConflict(
                SectionAnswer.objects.get(application=application, key=key)
            ) from error
        return answer, SectionAnswer.State.NOT_STARTED, sorted(data)
    before_state = answer.state
    changed_fields = sorted(
        name for name in set(data) | set(answer.data) if data.get(name) != answer.data.get(name)
    )
    SectionAnswer.objects.filter(pk=answer.pk).update(
        data=data, state=state, version=F("version") + 1, updated_by=actor
    )
    answer.refresh_from_db()
    return answer, before_state, changed_fields


@transaction.atomic
def sign_declaration(*, actor, application: Application, name: str, role: str) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_perm(
        actor,
        "applications.sign_declaration",
        application,
        message="Only an agency lead can sign the declaration.",
    )
    application.declaration_name = name.strip()
    application.declaration_role = role.strip()
    application.declaration_signed_by = actor
    application.declaration_signed_at = timezone.now()
    application.save(
        update_fields=[
            "declaration_name",
            "declaration_role",
            "declaration_signed_by",
            "declaration_signed_at",
            "updated_at",
        ]
    )
    record_event(
        actor=actor,
        action="application.declaration_signed",
        target=application,
        changes={"name": application.declaration_name, "role": application.declaration_role},
    )
    return application


@transaction.atomic
def confirm_not_identifying(
    *, actor, application: Application, source: str, kind: str, text: str
) -> IdentifierConfirmation:
    """Record that a flagged piece of text is not identifying. Only a finding
    the check currently reports can be confirmed, and only on a draft."""
    from ..selectors.identifiers import identifier_findings

    application = Application.objects.select_for_update().get(pk=application.pk)
    require_perm(
        actor,
        "applications.sign_declaration",
        application,
        message="Only an agency lead can confirm that text is not identifying.",
    )
    text = text[:255]
    current = {
        (item.source, item.finding.kind, item.finding.text[:255])
        for item in identifier_findings(application)
    }
    if (source, kind, text) not in current:
        raise ValidationError("That text is no longer flagged: check the page again.")
    confirmation, created = IdentifierConfirmation.objects.get_or_create(
        application=application,
        source=source,
        kind=kind,
        text=text,
        defaults={"confirmed_by": actor},
    )
    if created:
        record_event(
            actor=actor,
            action="application.identifier_confirmed",
            target=application,
            changes={"source": source, "kind": kind, "text": text},
        )
    return confirmation


# --- Submitting and withdrawing ------------------------------------------------------------


def next_reference(year: int) -> str:
    sequence, _ = ReferenceSequence.objects.select_for_update().get_or_create(year=year)
    ReferenceSequence.objects.filter(pk=year).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db()
    return f"{REFERENCE_PREFIX}-{year}-{sequence.last_number:04d}"


@transaction.atomic
def submit_application(*, actor, application: Application) -> Application:
    from ..selectors.readiness import submission_problems

    application = Application.objects.select_for_update().get(pk=application.pk)
    require_perm(
        actor,
        "applications.submit_application",
        application,
        message="Only an agency lead can submit the application.",
    )
    problems = submission_problems(application)
    if problems:
        raise NotReadyToSubmit(problems)
    fee = fee_for(application.agency)
    if application.reference is None:
        application.reference = next_reference(timezone.localdate().year)
    application.fee_pence = fee.amount_pence
    application.save(update_fields=["reference", "fee_pence", "updated_at"])
    return lifecycle.transition(
        application,
        "submit",
        actor=actor,
        changes={"reference": application.reference, "fee_pence": fee.amount_pence},
    )


@transaction.atomic
def withdraw_application(*, actor, application: Application, reason: str) -> Application:
    """Withdraw an open application. Every application that has left draft has
    a reference (the database insists), so a draft that was never submitted
    gets one now; if the withdrawal is refused, that rolls back with it."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.reference is None and application.is_open:
        application.reference = next_reference(timezone.localdate().year)
        application.save(update_fields=["reference", "updated_at"])
    return lifecycle.transition(application, "withdraw", actor=actor, reason=reason)
