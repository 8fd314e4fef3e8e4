"""Who saw what: every page that shows an application's content to a
moderator, panel chair or member of Coram staff is recorded.

Pages are named here by their URL names, so no view needs to change; the
middleware records a successful GET of any of them. Every such URL names the
application as its `pk`.
"""

from django.apps import apps
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce

# Each page, with the words the "Who saw which application" page shows for it.
CONTENT_PAGES = {
    "moderation:application": "The application, as moderators see it",
    "moderation:review": "A moderator's review",
    "moderation:amend": "Changing a submitted review",
    "moderation:reviews": "The moderators' reviews (panel)",
    "moderation:reviews_export": "The moderators' reviews, downloaded (panel)",
    "moderation:evidence_download": "A document, downloaded (moderation)",
    "moderation:request_information": "Asking the agency questions (moderator)",
    "moderation:consolidation": "The consolidated ratings (panel)",
    "moderation:decide": "Recording the decision",
    "moderation:correct_decision": "Correcting the decision",
    "staff:application": "The application, as Coram staff see it",
    "staff:reviews": "The moderators' reviews (staff)",
    "staff:evidence_download": "A document, downloaded (staff)",
    "staff:request_information": "Asking the agency questions (staff)",
    "staff:return": "Returning the application to the agency",
    "staff:accept": "Accepting the application for moderation",
}


def record_content_view(*, viewer, application_id: int, page: str, path: str):
    """Write one access record: a single INSERT, the reference read inside it."""
    reference = (
        apps.get_model("applications.Application")
        .objects.filter(pk=application_id)
        .values("reference")[:1]
    )
    return apps.get_model("governance.ContentView").objects.create(
        viewer=viewer,
        application_id=application_id,
        application_reference=Coalesce(Subquery(reference), Value("")),
        page=page,
        path=path[:300],
    )


class ContentViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and request.method == "GET"
            and match.view_name in CONTENT_PAGES
            and _shown(match.view_name, response.status_code)
            and request.user.is_authenticated
            and "pk" in match.kwargs
        ):
            record_content_view(
                viewer=request.user,
                application_id=int(match.kwargs["pk"]),
                page=match.view_name,
                path=request.path,
            )
        return response


def _shown(page: str, status: int) -> bool:
    """A page was shown, or a file handed over as a redirect to a signed URL."""
    return status == 200 or (status == 302 and page.endswith(":evidence_download"))
