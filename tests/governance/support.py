"""Build records at chosen moments on a controlled clock."""

import hashlib
import secrets
from contextlib import contextmanager
from datetime import datetime, timedelta

import time_machine
from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models.evidence import EvidenceFile
from applications.models.submissions import SectionAnswer
from qualitymark.files import storage

T0 = datetime(2027, 1, 10, 12, 0, tzinfo=timezone.get_fixed_timezone(0))


@contextmanager
def at(moment: datetime):
    with time_machine.travel(moment, tick=False):
        yield


def after(moment: datetime, months: int, days: int = 0) -> datetime:
    return moment + relativedelta(months=months) + timedelta(days=days)


def stored_evidence(application, *, by, text: str = "Text naming someone") -> EvidenceFile:
    """An evidence file with a real stored copy and extracted text."""
    stored = storage.store_private_file(ContentFile(b"%PDF-1.4 evidence"), prefix="evidence/test")
    return EvidenceFile.objects.create(
        application=application,
        section_key="q1",
        storage_key=stored.key,
        original_name="evidence.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=by,
        scan_status="clean",
        extracted_text=text,
        text_extracted=True,
    )


def file_exists(key: str) -> bool:
    return storage.private_storage().exists(key)


def narratives(application) -> list[dict]:
    return [
        answer.data
        for answer in SectionAnswer.objects.filter(application=application).exclude(data={})
    ]


def token_hash() -> str:
    return hashlib.sha256(secrets.token_bytes(16)).hexdigest()
