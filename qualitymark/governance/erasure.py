"""Erasing a person: their name, e-mail address and contact details are
replaced everywhere they can be, the account is closed, and what must stay
(the audit trail, the work they did) stays, referring to the account by its
number. `erasure_plan` says beforehand what will and will not change."""

import re
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from qualitymark.audit.services import record_event

from .accounts import close_account
from .retention import has_field, invitation_model, sent_to


def model(label: str):
    return apps.get_model(label)


def pseudonym(person) -> tuple[str, str]:
    """The name and e-mail address an erased account is left with."""
    return f"Erased person {person.pk}", f"erased-{person.pk}@erased.invalid"


def is_erased(person) -> bool:
    return person.email == pseudonym(person)[1]


@dataclass(frozen=True)
class Line:
    what: str
    count: int
    why: str = ""


def _mentions(person) -> Q:
    needles = [person.email]
    if person.full_name:
        needles.append(person.full_name)
    condition = Q()
    for needle in needles:
        condition |= Q(text__icontains=needle)
    return condition


def _answers_naming(person):
    """Answers of applications of the person's agencies (or that they wrote) that
    contain their name or address; another agency's text naming someone else of
    the same name is left alone."""
    agencies = model("applications.Membership").objects.filter(user=person).values("agency_id")
    theirs = (
        Q(application__agency_id__in=agencies)
        | Q(application__created_by=person)
        | Q(updated_by=person)
    )
    return (
        model("applications.SectionAnswer")
        .objects.filter(theirs)
        .annotate(text=Cast("data", TextField()))
        .filter(_mentions(person))
    )


def _events_naming(person):
    return (
        model("audit.AuditEvent")
        .objects.annotate(text=Cast("changes", TextField()))
        .filter(_mentions(person))
    )


def erasure_plan(person) -> dict[str, list[Line]]:
    """What erasing the person would replace, and what stays and why, with counts."""
    return {"replaced": _replaced(person), "kept": _kept(person)}


def _replaced(person) -> list[Line]:
    email = person.email
    return [
        Line("Name, job title and e-mail address on the account", 1),
        Line("Sign-in, password and second factors (the account is closed)", 1),
        Line(
            "Invitations sent to the address",
            invitation_model().objects.filter(email__iexact=email).count(),
        ),
        Line(
            "Declarations signed (the name on them)",
            model("applications.Application").objects.filter(declaration_signed_by=person).count(),
        ),
        Line(
            "Answers in their agencies' applications that contain the name or address",
            _answers_naming(person).count(),
        ),
        Line(
            "E-mails sent to the address (the recipient list)",
            model("notifications.SentEmail").objects.filter(sent_to(email)).count(),
        ),
        Line(
            "The address beside audit entries and typed at sign-in",
            model("audit.AuditEventPersonal")
            .objects.filter(Q(actor_email__iexact=email) | Q(typed_email__iexact=email))
            .count(),
        ),
        Line(
            "Moderator biography",
            model("moderation.ModeratorProfile").objects.filter(user=person).count(),
        ),
    ]


def _kept(person) -> list[Line]:
    return [
        Line(
            "Audit entries recording what the person did",
            model("audit.AuditEvent").objects.filter(actor=person).count(),
            "The audit trail cannot be changed, so that decisions can be checked. Entries "
            "refer to the account by its number, which will carry the new name.",
        ),
        Line(
            "Audit entries whose recorded changes include the name or address",
            _events_naming(person).count(),
            "These were written as they happened (for example when the account was created "
            "or an invitation sent) and the trail cannot be changed.",
        ),
        Line(
            "Work done in the service: applications, files, reviews, decisions",
            _work_count(person),
            "It belongs to the agency's and the scheme's record; it stays, linked to the "
            "renamed account.",
        ),
        Line(
            "Records of application content the person opened",
            model("governance.ContentView").objects.filter(viewer=person).count(),
            "Kept for their retention period so agencies can be told who saw their work.",
        ),
    ]


def _work_count(person) -> int:
    return (
        model("applications.Application").objects.filter(created_by=person).count()
        + model("applications.EvidenceFile").objects.filter(uploaded_by=person).count()
        + model("moderation.Review").objects.filter(assignment__moderator__user=person).count()
        + model("moderation.Decision").objects.filter(recorded_by=person).count()
    )


def _replace_in(value, replacements: dict[str, str]):
    if isinstance(value, str):
        for old, new in replacements.items():
            value = _replace_ignoring_case(value, old, new)
        return value
    if isinstance(value, list):
        return [_replace_in(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _replace_in(item, replacements) for key, item in value.items()}
    return value


def _replace_ignoring_case(text: str, old: str, new: str) -> str:
    return re.sub(re.escape(old), new, text, flags=re.IGNORECASE) if old else text


@transaction.atomic
def erase_person(*, actor, person, reason: str):
    """Replace the person's name, e-mail and contact details and close the account."""
    if actor.pk == person.pk:
        raise ValidationError("You cannot erase your own account.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the erasure"})
    User = model("users.User")
    person = User.objects.select_for_update().get(pk=person.pk)
    new_name, new_email = pseudonym(person)
    old_email, old_name = person.email, person.full_name
    replacements = {old_email: new_email, **({old_name: new_name} if old_name else {})}
    counts = {
        "answers": _rewrite_answers(person, replacements),
        "emails": _rewrite_sent_emails(old_email, new_email, replacements),
        "invitations": _rewrite_invitations(old_email, new_email),
        "audit_details": _rewrite_audit_details(old_email, new_email),
    }
    model("applications.Application").objects.filter(declaration_signed_by=person).update(
        declaration_name=new_name
    )
    model("applications.Membership").objects.filter(user=person).update(is_active=False)
    model("moderation.ModeratorProfile").objects.filter(user=person).update(
        biography="", is_active=False
    )
    model("account.EmailAddress").objects.filter(user=person).delete()
    person.full_name, person.email, person.job_title = new_name, new_email, ""
    person.is_coram_staff = person.is_staff = person.is_superuser = False
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    close_account(person)
    record_event(
        actor=actor,
        action="person.erased",
        target=person,
        changes={"reason": reason.strip(), "counts": counts},
    )
    return person


def _rewrite_answers(person, replacements) -> int:
    answers = list(_answers_naming(person))
    for answer in answers:
        answer.data = _replace_in(answer.data, replacements)
        answer.save(update_fields=["data"])
    return len(answers)


def _rewrite_sent_emails(old_email, new_email, replacements) -> int:
    sent_emails = list(model("notifications.SentEmail").objects.filter(sent_to(old_email)))
    with_body = has_field(model("notifications.SentEmail"), "body")
    for sent in sent_emails:
        sent.recipients = [new_email if r == old_email else r for r in sent.recipients]
        fields = ["recipients"]
        if with_body:
            sent.body = _replace_in(sent.body, replacements)
            fields.append("body")
        sent.save(update_fields=fields)
    return len(sent_emails)


def _rewrite_invitations(old_email, new_email) -> int:
    invitations = invitation_model().objects.filter(email__iexact=old_email)
    invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return invitations.update(email=new_email)


def _rewrite_audit_details(old_email, new_email) -> int:
    details = model("audit.AuditEventPersonal").objects
    count = details.filter(actor_email__iexact=old_email).update(actor_email=new_email)
    return count + details.filter(typed_email__iexact=old_email).update(typed_email=new_email)
