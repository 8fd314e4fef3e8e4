"""Settings about the scheme team and its certificates, read from the
environment (documented in the README): merged into the settings module."""

from pathlib import Path

DEMO_SIGNATURE = Path(__file__).resolve().parent / "files/pdf_assets/demo-signature.svg"


def scheme_settings(env, *, production: bool) -> dict:
    demo = not production  # outside production certificates carry a made-up signer
    return {
        # Shown wherever a page or an e-mail says "contact the Quality Mark team".
        "QUALITYMARK_CONTACT_EMAIL": env.str(
            "QUALITYMARK_CONTACT_EMAIL", default="qualitymark@coram.org.uk"
        ),
        "QUALITYMARK_CONTACT_PHONE": env.str("QUALITYMARK_CONTACT_PHONE", default=""),
        # The certificate: the scheme's logo (none: the Quality Mark seal) and who signs it.
        "CERTIFICATE_LOGO_PATH": env.str("CERTIFICATE_LOGO_PATH", default=""),
        "CERTIFICATE_SIGNATURE_PATH": env.str(
            "CERTIFICATE_SIGNATURE_PATH", default=str(DEMO_SIGNATURE) if demo else ""
        ),
        "CERTIFICATE_SIGNER_NAME": env.str(
            "CERTIFICATE_SIGNER_NAME", default="A. Example (demo)" if demo else ""
        ),
        "CERTIFICATE_SIGNER_ROLE": env.str(
            "CERTIFICATE_SIGNER_ROLE",
            default="Chair, Early Permanence Quality Mark panel" if demo else "",
        ),
    }
