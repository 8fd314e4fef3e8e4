"""Certificates: the PDF of an award, made in the background and kept under a
deterministic key, so regenerating never leaves two current certificates."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction

from qualitymark.audit.services import record_event
from qualitymark.files.storage import private_storage

from ..models.awards import Award, Certificate
from .awards import _schedule_certificate, _staff_change

logger = logging.getLogger(__name__)


def certificate_key(award: Award, version: int) -> str:
    return f"certificates/{award.number}/v{version}.pdf"


def _store_at(key: str, content: bytes) -> None:
    """Write ``content`` at exactly ``key`` (a leftover from an attempt that
    rolled back is replaced: no certificate row names it)."""
    storage = private_storage()
    if storage.exists(key):
        storage.delete(key)
    saved = storage.save(key, ContentFile(content))
    if saved != key:
        storage.delete(saved)
        raise RuntimeError(f"Certificate storage wrote {saved!r} instead of {key!r}")


@transaction.atomic
def generate_certificate(
    *, award_id: int, replaces_version: int = 0, reason: str = "", actor=None
) -> Certificate:
    """Make the award's certificate, idempotently.

    ``replaces_version`` is the version current when the certificate was asked
    for (0: none yet). If a different version is current by now, the request
    has already been carried out (a duplicate delivery, or a concurrent run
    that got the lock first) and the current certificate is returned. The
    award row is locked throughout and the database allows one current
    certificate per award, so concurrent runs leave exactly one.
    """
    from ..certificates import render_certificate_pdf

    award = Award.objects.select_for_update().get(pk=award_id)
    current = Certificate.objects.filter(award=award, is_current=True).first()
    if current is not None and current.version != replaces_version:
        return current
    last = award.certificates.order_by("-version").values_list("version", flat=True).first()
    version = (last or 0) + 1
    award = Award.objects.select_related("agency", "application").get(pk=award.pk)
    content = render_certificate_pdf(award)
    key = certificate_key(award, version)
    _store_at(key, content)
    if current is not None:
        Certificate.objects.filter(pk=current.pk).update(is_current=False)
    certificate = Certificate.objects.create(
        award=award,
        version=version,
        storage_key=key,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        is_current=True,
        reason=reason or ("First issue" if version == 1 else "Reissued"),
        requested_by=actor,
    )
    record_event(
        actor=actor,
        action="award.certificate_generated",
        target=award,
        changes={"version": version, "key": key, "reason": certificate.reason},
    )
    return certificate


@transaction.atomic
def regenerate_certificate(*, actor, award: Award, reason: str) -> None:
    """Ask for a new version of the certificate (made in the background)."""
    award, reason = _staff_change(actor, award, reason)
    current = award.certificates.filter(is_current=True).values_list("version", flat=True).first()
    record_event(
        actor=actor,
        action="award.certificate_requested",
        target=award,
        changes={"replaces_version": current or 0, "reason": reason},
    )
    _schedule_certificate(award, replaces_version=current or 0, reason=reason, actor=actor)


# --- Expiry and reminders -------------------------------------------------------------------
