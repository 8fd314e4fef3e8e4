"""Who saw what: every page that shows an application's content to a
moderator, panel chair or member of Coram staff is recorded.

Pages are named here by their URL names, so no view needs to change; the
middleware records a successful GET of any of them. Every such URL names the
application as its `pk`.
"""

from django.apps import apps
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce

CONTENT_PAGES = frozenset(
    {
        "moderation:application",
        "moderation:review",
        "moderation:amend",
        "moderation:reviews",
        "moderation:reviews_export",
        "moderation:evidence_download",
        "moderation:request_information",
        "moderation:consolidation",
        "moderation:decide",
        "moderation:correct_decision",
        "staff:application",
        "staff:reviews",
        "staff:evidence_download",
        "staff:request_information",
        "staff:return",
        "staff:accept",
    }
)


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
