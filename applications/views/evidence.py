"""Evidence files: removing them and downloading them through a permission check."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from qualitymark.core.permissions import agency_user_required
from qualitymark.files.storage import file_response

from .. import selectors, services
from .agencies import GET_AND_POST

# --- Evidence files --------------------------------------------------------------------------


@agency_user_required
@GET_AND_POST
def evidence_remove(request, pk, file_pk):
    application = selectors.own_application(request.user, pk)
    evidence = selectors.evidence_for(application, file_pk)
    section_url = reverse("agency:section", args=[application.pk, evidence.section_key])
    if request.method == "POST":
        try:
            services.remove_evidence_file(actor=request.user, evidence=evidence)
        except PermissionDenied:
            messages.info(request, "This application can no longer be changed.")
            return redirect(reverse("agency:application", args=[application.pk]))
        messages.success(request, f"Removed {evidence.original_name}.")
        return redirect(f"{section_url}#evidence")
    return render(
        request,
        "applications/apply/evidence_remove.html",
        {"application": application, "evidence": evidence, "back_url": section_url},
    )


@agency_user_required
def evidence_download(request, pk, file_pk):
    application = selectors.own_application(request.user, pk)
    evidence = selectors.evidence_for(application, file_pk)
    if not evidence.is_servable:
        raise Http404
    services.record_download(actor=request.user, evidence=evidence)
    return file_response(
        evidence.storage_key,
        download_name=evidence.original_name,
        content_type=evidence.content_type,
    )
