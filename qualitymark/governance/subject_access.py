"""Everything the service holds about one person, for a subject access request:
one list of sources, read the same way for the JSON export and the summary.

Each source names a model by label (no app is imported), how to find the
person's rows and which fields to give. Secrets (password hashes, second-factor
secrets, invitation tokens) are never among the fields.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from .retention import has_field, invitation_model, sent_to


@dataclass(frozen=True)
class Source:
    title: str
    model: str
    lookup: Callable[[object], Q]
    fields: tuple[str, ...]
    optional: tuple[str, ...] = ()  # given when the model has them (e.g. an e-mail's body)


def _by(path: str) -> Callable[[object], Q]:
    return lambda person: Q(**{path: person})


SOURCES = [
    Source(
        "Account",
        "users.User",
        lambda p: Q(pk=p.pk),
        (
            "id",
            "email",
            "full_name",
            "job_title",
            "is_active",
            "is_coram_staff",
            "is_staff",
            "date_joined",
            "last_login",
        ),
    ),
    Source(
        "E-mail addresses", "account.EmailAddress", _by("user"), ("email", "verified", "primary")
    ),
    Source(
        "Second factors (type and dates only)",
        "mfa.Authenticator",
        _by("user"),
        ("type", "created_at", "last_used_at"),
    ),
    Source(
        "Agency memberships",
        "applications.Membership",
        _by("user"),
        ("agency__name", "role", "is_active", "created_at"),
    ),
    Source(
        "Invitations to this person",
        "@invitation",
        lambda p: Q(email__iexact=p.email) | Q(accepted_by=p),
        (
            "email",
            "role",
            "agency__name",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "invited_by_id",
        ),
    ),
    Source(
        "Invitations this person sent",
        "@invitation",
        _by("invited_by"),
        ("email", "role", "agency__name", "created_at"),
    ),
    Source(
        "Applications started",
        "applications.Application",
        _by("created_by"),
        ("reference", "agency__name", "status", "created_at", "submitted_at"),
    ),
    Source(
        "Declarations signed",
        "applications.Application",
        _by("declaration_signed_by"),
        (
            "reference",
            "agency__name",
            "declaration_name",
            "declaration_role",
            "declaration_signed_at",
        ),
    ),
    Source(
        "Application sections last saved",
        "applications.SectionAnswer",
        _by("updated_by"),
        ("application__reference", "application_id", "key", "updated_at"),
    ),
    Source(
        "Evidence files uploaded",
        "applications.EvidenceFile",
        _by("uploaded_by"),
        ("application__reference", "application_id", "original_name", "uploaded_at", "removed_at"),
    ),
    Source(
        "Text confirmed as not identifying",
        "applications.IdentifierConfirmation",
        _by("confirmed_by"),
        ("application__reference", "kind", "text", "confirmed_at"),
    ),
    Source(
        "Moderator profile",
        "moderation.ModeratorProfile",
        _by("user"),
        ("expertise", "is_chair", "is_active", "biography", "affiliated_regions", "created_at"),
    ),
    Source(
        "Agencies the moderator is linked to",
        "applications.Agency",
        _by("affiliated_moderators__user"),
        ("name",),
    ),
    Source(
        "Assignments and conflict declarations",
        "moderation.Assignment",
        _by("moderator__user"),
        (
            "application__reference",
            "role",
            "due_on",
            "assigned_at",
            "removed_at",
            "declared_at",
            "declared_conflict",
            "declaration_details",
        ),
    ),
    Source(
        "Reviews",
        "moderation.Review",
        _by("assignment__moderator__user"),
        ("assignment__application__reference", "recommendation", "summary", "submitted_at"),
    ),
    Source(
        "Ratings and comments",
        "moderation.DescriptorRating",
        _by("review__assignment__moderator__user"),
        (
            "review__assignment__application__reference",
            "descriptor__number",
            "rating",
            "strengths",
            "areas_to_develop",
        ),
    ),
    Source(
        "Information requested",
        "moderation.InformationRequest",
        _by("asked_by"),
        ("application__reference", "asked_at", "status"),
    ),
    Source(
        "Information provided",
        "moderation.InformationRequest",
        _by("responded_by"),
        ("application__reference", "responded_at"),
    ),
    Source(
        "Panel meetings chaired",
        "moderation.PanelMeeting",
        _by("chair__user"),
        ("held_on", "title"),
    ),
    Source(
        "Panel meetings attended",
        "moderation.PanelMeeting",
        _by("members_present__user"),
        ("held_on", "title"),
    ),
    Source(
        "Decisions recorded",
        "moderation.Decision",
        _by("recorded_by"),
        ("application__reference", "outcome", "rationale", "recorded_at"),
    ),
    Source(
        "Audit trail: what this person did",
        "audit.AuditEvent",
        _by("actor"),
        (
            "created_at",
            "action",
            "target_type",
            "target_id",
            "personal__actor_email",
            "personal__ip_address",
        ),
    ),
    Source(
        "Audit trail: changes to this person's account",
        "audit.AuditEvent",
        lambda p: Q(target_type="users.user", target_id=str(p.pk)),
        ("created_at", "action", "actor_id", "changes"),
    ),
    Source(
        "Failed sign-ins with this person's address",
        "audit.AuditEventPersonal",
        lambda p: Q(typed_email__iexact=p.email),
        ("event__created_at", "ip_address", "typed_email"),
    ),
    Source(
        "E-mails sent to this person",
        "notifications.SentEmail",
        lambda p: sent_to(p.email),
        ("created_at", "template", "subject", "sent_at"),
        optional=("body",),
    ),
    Source(
        "Application content this person opened",
        "governance.ContentView",
        _by("viewer"),
        ("viewed_at", "application_reference", "page"),
    ),
]


def _model(label: str):
    return invitation_model() if label == "@invitation" else apps.get_model(label)


def records_about(person) -> list[dict]:
    """[{"title", "fields", "records": [dict]}] for every source, in order."""
    sections = []
    for source in SOURCES:
        model = _model(source.model)
        fields = [*source.fields, *(f for f in source.optional if has_field(model, f))]
        queryset = model.objects.filter(source.lookup(person)).distinct()
        sections.append(
            {"title": source.title, "fields": fields, "records": list(queryset.values(*fields))}
        )
    return sections


def field_label(field: str) -> str:
    """'review__assignment__application__reference' -> 'Application reference'."""
    parts = field.split("__")
    words = " ".join(parts[-2:] if len(parts) > 1 else parts).replace("_", " ")
    return words[:1].upper() + words[1:]


def readable_sections(person) -> list[dict]:
    """records_about, each record as (label, value) pairs, for the summary page."""
    return [
        {
            "title": section["title"],
            "records": [
                [(field_label(name), value) for name, value in record.items()]
                for record in section["records"]
            ],
        }
        for section in records_about(person)
    ]


def export_document(person) -> dict:
    return {
        "person_id": person.pk,
        "generated_at": timezone.now(),
        "service": "Early Permanence Quality Mark portal",
        "sections": records_about(person),
    }


def export_json(person) -> str:
    return json.dumps(export_document(person), cls=DjangoJSONEncoder, indent=2)
