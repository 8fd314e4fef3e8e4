from django.urls import path

from .views import agencies as agency_views
from .views import documents as document_views
from .views import evidence as evidence_views
from .views import invitation_acceptance as acceptance_views
from .views import sections as section_views
from .views import staff_agencies as staff_agency_views
from .views import submissions as application_views

APPLICATION = "applications/<int:pk>/"

application_patterns = [
    path(APPLICATION, application_views.application_detail, name="application"),
    path(
        APPLICATION + "sections/<slug:key>/",
        section_views.section_edit,
        name="section",
    ),
    path(
        APPLICATION + "sections/<slug:key>/autosave/",
        section_views.section_autosave,
        name="autosave",
    ),
    path(
        APPLICATION + "files/<int:file_pk>/",
        evidence_views.evidence_download,
        name="evidence_download",
    ),
    path(
        APPLICATION + "files/<int:file_pk>/remove/",
        evidence_views.evidence_remove,
        name="evidence_remove",
    ),
    path(APPLICATION + "identifiers/", application_views.identifier_check, name="identifiers"),
    path(APPLICATION + "declaration/", application_views.declaration, name="declaration"),
    path(APPLICATION + "check/", application_views.check_answers, name="check_answers"),
    path(APPLICATION + "submitted/", application_views.submitted, name="submitted"),
    path(APPLICATION + "withdraw/", application_views.withdraw, name="withdraw"),
    path(APPLICATION + "pdf/", document_views.application_pdf, name="application_pdf"),
]

# /agency/ (namespace "agency"). Fixed paths must come before "<slug:slug>/".
agency_patterns = [
    path("", agency_views.agency_dashboard, name="dashboard"),
    *application_patterns,
    path("<slug:slug>/", agency_views.agency_detail, name="detail"),
    path("<slug:slug>/apply/", application_views.application_start, name="application_start"),
    path("<slug:slug>/profile/", agency_views.agency_profile_edit, name="profile_edit"),
    path("<slug:slug>/invite/", agency_views.agency_invite, name="invite"),
    path(
        "<slug:slug>/members/<int:pk>/role/",
        agency_views.membership_change_role,
        name="membership_role",
    ),
    path(
        "<slug:slug>/members/<int:pk>/remove/",
        agency_views.membership_remove,
        name="membership_remove",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        agency_views.agency_invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/resend/",
        agency_views.agency_invitation_resend,
        name="invitation_resend",
    ),
]

# /invitations/ (namespace "invitations"). Public: the invitee may have no account yet.
invitation_patterns = [
    path("accept/<str:token>/", acceptance_views.accept_invitation, name="accept"),
]

# Under /staff/ (namespace "staff").
staff_patterns = [
    path("agencies/", staff_agency_views.staff_agency_list, name="agency_list"),
    path("agencies/new/", staff_agency_views.staff_agency_create, name="agency_create"),
    path("agencies/<slug:slug>/", staff_agency_views.staff_agency_detail, name="agency_detail"),
    path("agencies/<slug:slug>/edit/", staff_agency_views.staff_agency_edit, name="agency_edit"),
    path(
        "agencies/<slug:slug>/deactivate/",
        staff_agency_views.staff_agency_deactivate,
        name="agency_deactivate",
    ),
    path(
        "agencies/<slug:slug>/reactivate/",
        staff_agency_views.staff_agency_reactivate,
        name="agency_reactivate",
    ),
    path(
        "agencies/<slug:slug>/members/<int:pk>/role/",
        staff_agency_views.staff_membership_change_role,
        name="agency_membership_role",
    ),
    path(
        "agencies/<slug:slug>/members/<int:pk>/remove/",
        staff_agency_views.staff_membership_remove,
        name="agency_membership_remove",
    ),
    path("invitations/", staff_agency_views.staff_invitation_list, name="invitation_list"),
    path("invitations/new/", staff_agency_views.staff_invitation_create, name="invitation_create"),
    path(
        "invitations/<int:pk>/revoke/",
        staff_agency_views.staff_invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:pk>/resend/",
        staff_agency_views.staff_invitation_resend,
        name="invitation_resend",
    ),
]
