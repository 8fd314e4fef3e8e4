"""The award certificate: an A4 landscape PDF rendered with WeasyPrint (through
the restricted URL fetcher in qualitymark.files.pdf) with a QR code that opens
the certificate's verification page."""

from __future__ import annotations

from qualitymark.files.pdf import qr_code_svg_data_uri, render_pdf

from .models.awards import Award

CERTIFICATE_TEMPLATE = "pdf/certificate.html"


def certificate_context(award: Award) -> dict:
    verify_url = award.verify_url
    return {
        "award": award,
        "agency": award.agency,
        "verify_url": verify_url,
        "qr_code": qr_code_svg_data_uri(verify_url, scale=4),
    }


def render_certificate_pdf(award: Award, *, template_name: str = CERTIFICATE_TEMPLATE) -> bytes:
    return render_pdf(template_name, certificate_context(award))
