"""Evidence files: removing them and downloading them through a permission check.

The download URL is on the agency's pages, so it is for members of the agency
that owns the application (own_application: anyone else gets 404). Moderators
and Coram staff will download through their own pages, with their own checks,
using the same file_response and record_download.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from qualitymark.core.permissions import agency_user_required
from qualitymark.files.storage import file_response

from ..rules import may_change_files
from ..selectors.submissions import evidence_for, own_application
from ..services.evidence import page_of_file, record_download, remove_evidence_file
from .agencies import GET_AND_POST

LOCKED_MESSAGE = "This application has been submitted, so its files can no longer be changed."


@agency_user_required
@GET_AND_POST
def evidence_remove(request, pk, file_pk):
    """Remove a file from a draft's section, or from the answers to an open
    information request before they are sent."""
    application = own_application(request.user, pk)
    evidence = evidence_for(application, file_pk)
    application_url = reverse("agency:application", args=[application.pk])
    if not may_change_files(request.user, application, evidence.section_key):
        messages.info(request, LOCKED_MESSAGE)
        return redirect(application_url)
    page_url = page_of_file(evidence)
    if request.method == "POST":
        try:
            remove_evidence_file(actor=request.user, evidence=evidence)
        except PermissionDenied:
            messages.info(request, LOCKED_MESSAGE)
            return redirect(application_url)
        messages.success(request, f"Removed {evidence.original_name}.")
        anchor = "#evidence" if evidence.section_key.startswith("q") else "#files"
        return redirect(page_url + anchor)
    return render(
        request,
        "applications/apply/evidence_remove.html",
        {"application": application, "evidence": evidence, "back_url": page_url},
    )


@agency_user_required
@require_GET
def evidence_download(request, pk, file_pk):
    """The file as an attachment (streamed, or a redirect to a short-lived
    signed S3 URL). Files still being checked, quarantined or that could not
    be checked are not found."""
    application = own_application(request.user, pk)
    return evidence_response(request, evidence_for(application, file_pk))


def evidence_response(request, evidence):
    """Every evidence download, for the agency, Coram staff and moderators alike:
    the file as an attachment, recorded in the audit trail. Files still being
    checked, quarantined or that could not be checked are not found."""
    if not evidence.is_servable:
        raise Http404("This file is not available.")
    response = file_response(
        evidence.storage_key,
        download_name=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    record_download(actor=request.user, evidence=evidence)
    return response
