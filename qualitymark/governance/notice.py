"""What the privacy notice and the cookie page say, computed from the settings
and data the code runs on, so the pages cannot drift from what the service does."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings

from qualitymark.core.dates import duration_words
from qualitymark.files import text_extraction
from qualitymark.files.storage import uses_signed_urls
from qualitymark.files.validation import ALLOWED_TYPES

from .models import RetentionRule
from .retention import has_field


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str


def cookies_in_use() -> list[Cookie]:
    """Every cookie the service sets (the cookie page's test checks the list
    against the cookies a signed-in journey actually receives)."""
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            "Keeps you signed in",
            duration_words(settings.SESSION_COOKIE_AGE),
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            "Protects forms from being submitted by other websites",
            duration_words(settings.CSRF_COOKIE_AGE),
        ),
    ]


def _checked_kinds() -> tuple[frozenset, frozenset]:
    """(kinds whose text is searched, kinds a person must look at), as the text
    extraction defines them; the notice test holds the applications' check to it."""
    searched = getattr(text_extraction, "TEXT_KINDS", None) or frozenset(
        text_extraction._EXTRACTORS
    )
    looked_at = getattr(text_extraction, "PICTURE_KINDS", frozenset())
    return frozenset(searched) - frozenset(looked_at), frozenset(looked_at)


def file_checking() -> dict[str, list[str]]:
    """Which kinds of uploaded file are searched for identifying information,
    which a person must look at, and which are not checked at all."""
    searched, looked_at = _checked_kinds()
    labels = {kind: _plural(file_type.label) for kind, file_type in ALLOWED_TYPES.items()}
    return {
        "searched": [label for kind, label in labels.items() if kind in searched],
        "looked_at": [label for kind, label in labels.items() if kind in looked_at],
        "not_searched": [
            label for kind, label in labels.items() if kind not in searched | looked_at
        ],
    }


def _plural(label: str) -> str:
    """'a PDF document' -> 'PDF documents'."""
    return label.split(" ", 1)[1] + "s"


def files_encrypted_by_store() -> bool:
    """True when files go to S3 with server-side encryption requested."""
    return uses_signed_urls() and bool(getattr(settings, "AWS_S3_SERVER_SIDE_ENCRYPTION", ""))


def privacy_notice_context() -> dict:
    return {
        "retention_rules": list(RetentionRule.objects.all()),
        "session_length": duration_words(settings.SESSION_COOKIE_AGE),
        "file_checking": file_checking(),
        "files_encrypted": files_encrypted_by_store(),
        "signed_links": uses_signed_urls(),
        "emails_keep_text": has_field(apps.get_model("notifications.SentEmail"), "body"),
        "signed_url_minutes": max(1, settings.SIGNED_URL_SECONDS // 60),
    }
