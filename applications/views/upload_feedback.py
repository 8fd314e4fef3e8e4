"""What the uploader is told straight after an upload: the virus check may
already have run (a quarantined file is not reported as a success) or may
still be running."""

from django.contrib import messages

from ..models.evidence import EvidenceFile, ScanStatus


def report_upload(request, evidence: EvidenceFile) -> None:
    evidence.refresh_from_db(fields=["scan_status", "scan_signature"])
    name = evidence.original_name
    if evidence.scan_status == ScanStatus.INFECTED:
        messages.error(
            request,
            f"{name} contains a virus and has been quarantined: it is not part of your "
            "application. Remove it, then upload a clean copy. Your answer was saved.",
        )
    elif evidence.scan_status == ScanStatus.ERROR:
        messages.warning(
            request,
            f"{name} could not be checked for viruses. Remove it and upload it again. "
            "Your answer was saved.",
        )
    elif evidence.scan_status == ScanStatus.PENDING:
        messages.success(
            request,
            f"Uploaded {name}. It is being checked for viruses. Your answer was saved too.",
        )
    else:
        messages.success(request, f"Uploaded {name}. Your answer was saved too.")
