"""Documents generated from an application: the PDF of what the agency submitted.

The PDF is a record of a submitted application, so it exists only once the
application is locked (submitted or later). A draft has no PDF: the page is
simply not there (404), as the submitted view is the only page that links to it.
It is made in the background (applications/services/documents.py): until it
is ready the page says it is being prepared and looks again by itself.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from qualitymark.audit.services import record_event
from qualitymark.core.permissions import agency_user_required

from ..selectors.submissions import own_application
from ..services.documents import prepared_application_pdf, request_application_pdf

REFRESH_SECONDS = 3


def pdf_filename(application) -> str:
    return f"{application.reference}.pdf"


@agency_user_required
@require_GET
def application_pdf(request, pk):
    application = own_application(request.user, pk)
    if not application.is_locked or not application.reference:
        raise Http404
    data = prepared_application_pdf(application, request.user)
    if data is None:
        request_application_pdf(application, request.user)
        data = prepared_application_pdf(application, request.user)  # made at once in the demo
    if data is None:
        response = render(
            request, "applications/apply/pdf_preparing.html", {"application": application}
        )
        response["Refresh"] = str(REFRESH_SECONDS)
        return response
    record_event(
        actor=request.user,
        action="application.pdf_downloaded",
        target=application,
        changes={"reference": application.reference, "bytes": len(data)},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, pdf_filename(application))
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
