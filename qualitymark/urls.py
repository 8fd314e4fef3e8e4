from django.contrib import admin
from django.urls import include, path

from applications import urls as application_urls
from descriptors import urls as descriptor_urls
from moderation import urls as moderation_urls
from qualitymark.governance import urls as governance_urls

staff_patterns = (
    application_urls.staff_patterns
    + descriptor_urls.staff_patterns
    + moderation_urls.staff_patterns
    + governance_urls.staff_patterns
)

urlpatterns = [
    path("", include("qualitymark.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("invitations/", include((application_urls.invitation_patterns, "invitations"))),
    path(
        "agency/",
        include((moderation_urls.agency_patterns + application_urls.agency_patterns, "agency")),
    ),
    path("moderation/", include((moderation_urls.moderator_patterns, "moderation"))),
    path("staff/", include((staff_patterns, "staff"))),
    path("", include((moderation_urls.public_patterns, "public"))),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Early Permanence Quality Mark administration"
admin.site.site_title = "EP Quality Mark admin"

# Error pages in the service's layout (qualitymark/core/errors.py, templates/4xx.html, 5xx.html).
handler400 = "qualitymark.core.errors.bad_request"
handler403 = "qualitymark.core.errors.permission_denied"
handler404 = "qualitymark.core.errors.page_not_found"
handler500 = "qualitymark.core.errors.server_error"
