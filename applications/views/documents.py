"""Documents generated from an application: the PDF of what the agency submitted.

The PDF is a record of a submitted application, so it exists only once the
application is locked (submitted or later). A draft has no PDF: the page is
simply not there (404), as the submitted view is the only page that links to it.
"""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from qualitymark.audit.services import record_event
from qualitymark.core.permissions import agency_user_required
from qualitymark.files.pdf import render_pdf

from ..selectors.submissions import application_overview, own_application


def pdf_filename(application) -> str:
    return f"{application.reference}.pdf"


@agency_user_required
@require_GET
def application_pdf(request, pk):
    application = own_application(request.user, pk)
    if not application.is_locked or not application.reference:
        raise Http404
    overview = application_overview(application)
    data = render_pdf(
        "pdf/application.html",
        {
            "application": application,
            "overview": overview,
            "generated_at": timezone.now(),
            "generated_by": request.user,
        },
    )
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
