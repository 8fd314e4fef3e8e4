"""What each line of the retention schedule does: which records are due on a
given date and how they are deleted or anonymised.

The schedule itself (periods, wording) is data: RetentionRule rows. This
module holds the code for each rule's key. Models of the apps are looked up
by label (django.apps.apps.get_model), so nothing here imports an app.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest

from qualitymark.files import storage

from .accounts import close_account


def model(label: str):
    return apps.get_model(label)


def invitation_model():
    """Invitations live in applications, or in users once moved there."""
    for label in ("users.Invitation", "applications.Invitation"):
        try:
            return apps.get_model(label)
        except LookupError:
            continue
    raise LookupError("No Invitation model is installed.")


def sent_to(email: str) -> Q:
    """E-mails whose recipient list holds ``email``, on PostgreSQL and SQLite alike (a JSON
    containment lookup is PostgreSQL-only); the quotes make it a whole-address match."""
    return Q(recipients__icontains=json.dumps(email.lower()))


def has_field(model_class, name: str) -> bool:
    return any(field.name == name for field in model_class._meta.get_fields())


# --- Applications ------------------------------------------------------------------------


def _with_content(applications: QuerySet) -> QuerySet:
    """Applications that still hold narratives, answers, evidence or confirmed text."""
    answers = (
        model("applications.SectionAnswer")
        .objects.filter(application=OuterRef("pk"))
        .exclude(data={})
    )
    files = model("applications.EvidenceFile").objects.filter(application=OuterRef("pk"))
    confirmations = model("applications.IdentifierConfirmation").objects.filter(
        application=OuterRef("pk")
    )
    replies = (
        model("moderation.InformationQuestion")
        .objects.filter(request__application=OuterRef("pk"))
        .filter(~Q(answer="") | ~Q(draft_answer=""))
    )
    return applications.filter(
        Exists(answers) | Exists(files) | Exists(confirmations) | Exists(replies)
    )


def _delete_stored_files(application_ids: list[int]) -> None:
    keys = list(
        model("applications.EvidenceFile")
        .objects.filter(application_id__in=application_ids)
        .values_list("storage_key", flat=True)
    )

    def delete_files():
        for key in keys:
            storage.delete_private_file(key)

    transaction.on_commit(delete_files)


def erase_application_content(application_ids: list[int]) -> None:
    """Delete what the agency wrote and sent (narratives, answers, evidence files
    with their extracted text, confirmed identifiers, replies to questions); the
    application's reference, dates, reviews, decision and award stay."""
    _delete_stored_files(application_ids)
    model("applications.EvidenceFile").objects.filter(application_id__in=application_ids).delete()
    model("applications.IdentifierConfirmation").objects.filter(
        application_id__in=application_ids
    ).delete()
    model("applications.SectionAnswer").objects.filter(application_id__in=application_ids).update(
        data={}
    )
    model("moderation.InformationQuestion").objects.filter(
        request__application_id__in=application_ids
    ).update(answer="", draft_answer="")


def decided_applications_due(cutoff: datetime) -> QuerySet:
    applications = model("applications.Application").objects.decided()
    applications = applications.annotate(last_award_ends=Max("awards__expires_on")).filter(
        Q(last_award_ends__isnull=True, decided_at__lt=cutoff)
        | Q(last_award_ends__lt=cutoff.date())
    )
    return _with_content(applications)


def withdrawn_applications_due(cutoff: datetime) -> QuerySet:
    applications = (
        model("applications.Application").objects.withdrawn().filter(withdrawn_at__lt=cutoff)
    )
    return _with_content(applications)


def abandoned_drafts_due(cutoff: datetime) -> QuerySet:
    drafts = model("applications.Application").objects.drafts()
    drafts = drafts.annotate(
        last_change=Greatest(
            "updated_at",
            Coalesce(Max("answers__updated_at"), "updated_at"),
            Coalesce(Max("evidence_files__uploaded_at"), "updated_at"),
            Coalesce(Max("evidence_files__removed_at"), "updated_at"),
        )
    )
    return drafts.filter(last_change__lt=cutoff)


def delete_drafts(queryset: QuerySet, now: datetime) -> list[int]:
    ids = list(queryset.values_list("pk", flat=True))
    _delete_stored_files(ids)
    model("applications.Application").objects.drafts().filter(pk__in=ids).delete()
    return ids


def erase_content_of(queryset: QuerySet, now: datetime) -> list[int]:
    """Each application says on its pages when its content went (CONTENT_ERASED)."""
    from qualitymark.audit.services import record_event

    applications = list(queryset)
    erase_application_content([application.pk for application in applications])
    for application in applications:
        record_event(actor=None, action=CONTENT_ERASED, target=application)
    return [application.pk for application in applications]


CONTENT_ERASED = "application.content_erased"


# --- People, the audit trail, e-mails, invitations, the access record ------------------------


def unused_accounts_due(cutoff: datetime) -> QuerySet:
    people = model("users.User").objects.filter(is_active=True)
    return people.annotate(last_used=Coalesce("last_login", "date_joined")).filter(
        last_used__lt=cutoff
    )


def close_accounts(queryset: QuerySet, now: datetime) -> list[int]:
    ids = list(queryset.values_list("pk", flat=True))
    for person in model("users.User").objects.filter(pk__in=ids):
        close_account(person)
    return ids


def security_details_due(cutoff: datetime) -> QuerySet:
    return (
        model("audit.AuditEventPersonal")
        .objects.filter(event__created_at__lt=cutoff)
        .filter(Q(ip_address__isnull=False) | ~Q(typed_email=""))
    )


def remove_security_details(queryset: QuerySet, now: datetime) -> list[int]:
    ids = list(queryset.values_list("pk", flat=True))
    model("audit.AuditEventPersonal").objects.filter(pk__in=ids).update(
        ip_address=None, typed_email="", anonymised_at=now
    )
    return ids


def _sent_email_personal_fields() -> dict:
    sent_email = model("notifications.SentEmail")
    fields = {"recipients": []}
    if has_field(sent_email, "body"):
        fields["body"] = ""
    return fields


def sent_emails_due(cutoff: datetime) -> QuerySet:
    sent_email = model("notifications.SentEmail")
    holds_personal = ~Q(recipients=[])
    if has_field(sent_email, "body"):
        holds_personal |= ~Q(body="")
    return sent_email.objects.filter(created_at__lt=cutoff).filter(holds_personal)


def anonymise_sent_emails(queryset: QuerySet, now: datetime) -> list[int]:
    ids = list(queryset.values_list("pk", flat=True))
    model("notifications.SentEmail").objects.filter(pk__in=ids).update(
        **_sent_email_personal_fields()
    )
    return ids


def invitations_due(cutoff: datetime) -> QuerySet:
    return invitation_model().objects.filter(expires_at__lt=cutoff)


def content_views_due(cutoff: datetime) -> QuerySet:
    return model("governance.ContentView").objects.filter(viewed_at__lt=cutoff)


def delete_rows(queryset: QuerySet, now: datetime) -> list[int]:
    ids = list(queryset.values_list("pk", flat=True))
    queryset.model.objects.filter(pk__in=ids).delete()
    return ids


# --- The table of rules ------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleCode:
    due: Callable[[datetime], QuerySet]
    carry_out: Callable[[QuerySet, datetime], list[int]]
    describe: Callable[[object], str]


def _application(application) -> str:
    return application.reference or f"Draft by {application.agency} (#{application.pk})"


RULES: dict[str, RuleCode] = {
    "decided-applications": RuleCode(decided_applications_due, erase_content_of, _application),
    "withdrawn-applications": RuleCode(withdrawn_applications_due, erase_content_of, _application),
    "abandoned-drafts": RuleCode(abandoned_drafts_due, delete_drafts, _application),
    "unused-accounts": RuleCode(
        unused_accounts_due, close_accounts, lambda person: f"person #{person.pk}"
    ),
    "security-event-details": RuleCode(
        security_details_due,
        remove_security_details,
        lambda details: f"audit event #{details.pk}",
    ),
    "sent-emails": RuleCode(
        sent_emails_due,
        anonymise_sent_emails,
        lambda sent: f"{sent.template} e-mail of {sent.created_at:%-d %b %Y}",
    ),
    "invitations": RuleCode(
        invitations_due,
        delete_rows,
        lambda invitation: (
            f"{invitation.get_role_display()} invitation of {invitation.created_at:%-d %b %Y}"
        ),
    ),
    "content-views": RuleCode(
        content_views_due,
        delete_rows,
        lambda view: (
            f"view of {view.application_reference or view.application_id} "
            f"on {view.viewed_at:%-d %b %Y}"
        ),
    ),
}
