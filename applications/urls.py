from django.urls import path

from .views import agencies as agency_views

# /agency/ (namespace "agency"). Fixed paths must come before "<slug:slug>/".
agency_patterns = [
    path("", agency_views.agency_dashboard, name="dashboard"),
    path("<slug:slug>/", agency_views.agency_detail, name="detail"),
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
    path("accept/<str:token>/", agency_views.accept_invitation, name="accept"),
]

# Under /staff/ (namespace "staff").
staff_patterns = [
    path("agencies/", agency_views.staff_agency_list, name="agency_list"),
    path("agencies/new/", agency_views.staff_agency_create, name="agency_create"),
    path("agencies/<slug:slug>/", agency_views.staff_agency_detail, name="agency_detail"),
    path("agencies/<slug:slug>/edit/", agency_views.staff_agency_edit, name="agency_edit"),
    path(
        "agencies/<slug:slug>/deactivate/",
        agency_views.staff_agency_deactivate,
        name="agency_deactivate",
    ),
    path(
        "agencies/<slug:slug>/reactivate/",
        agency_views.staff_agency_reactivate,
        name="agency_reactivate",
    ),
    path(
        "agencies/<slug:slug>/members/<int:pk>/role/",
        agency_views.staff_membership_change_role,
        name="agency_membership_role",
    ),
    path(
        "agencies/<slug:slug>/members/<int:pk>/remove/",
        agency_views.staff_membership_remove,
        name="agency_membership_remove",
    ),
    path("invitations/", agency_views.staff_invitation_list, name="invitation_list"),
    path("invitations/new/", agency_views.staff_invitation_create, name="invitation_create"),
    path(
        "invitations/<int:pk>/revoke/",
        agency_views.staff_invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:pk>/resend/",
        agency_views.staff_invitation_resend,
        name="invitation_resend",
    ),
]
