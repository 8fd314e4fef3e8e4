"""The award certificate: an A4 landscape PDF rendered with WeasyPrint (through
the restricted URL fetcher in qualitymark.files.pdf) with a QR code that opens
the certificate's verification page."""

from __future__ import annotations

import base64
import functools
import mimetypes
from pathlib import Path

from django.conf import settings

from qualitymark.files.pdf import qr_code_png_data_uri, render_pdf

from .models.awards import Award

CERTIFICATE_TEMPLATE = "pdf/certificate.html"


def image_data_uri(path: str) -> str:
    """A configured image (the scheme's logo, a signature) as a data: URI, or ""
    if none is set. The path comes from the settings, never from a request.
    Read again only when the file changes."""
    if not path:
        return ""
    file = Path(path)
    return _data_uri(file, file.stat().st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _data_uri(file: Path, modified: int) -> str:
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


def certificate_context(award: Award) -> dict:
    verify_url = award.verify_url
    return {
        "award": award,
        "agency": award.agency,
        "verify_url": verify_url,
        "qr_code": qr_code_png_data_uri(verify_url),
        "logo": image_data_uri(settings.CERTIFICATE_LOGO_PATH),
        "signature": image_data_uri(settings.CERTIFICATE_SIGNATURE_PATH),
        "signer_name": settings.CERTIFICATE_SIGNER_NAME,
        "signer_role": settings.CERTIFICATE_SIGNER_ROLE,
    }


def render_certificate_pdf(award: Award, *, template_name: str = CERTIFICATE_TEMPLATE) -> bytes:
    """A tagged PDF (PDF/UA-1): its heading and table are in the structure tree."""
    return render_pdf(template_name, certificate_context(award), pdf_variant="pdf/ua-1")
