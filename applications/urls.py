from django.urls import path

from . import views

# /agency/ (namespace "agency"). Fixed paths must come before "<slug:slug>/".
agency_patterns = [
    path("", views.agency_dashboard, name="dashboard"),
    path("<slug:slug>/", views.agency_detail, name="detail"),
    path("<slug:slug>/profile/", views.agency_profile_edit, name="profile_edit"),
    path("<slug:slug>/invite/", views.agency_invite, name="invite"),
    path(
        "<slug:slug>/members/<int:pk>/role/",
        views.membership_change_role,
        name="membership_role",
    ),
    path(
        "<slug:slug>/members/<int:pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        views.agency_invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/resend/",
        views.agency_invitation_resend,
        name="invitation_resend",
    ),
]

# /invitations/ (namespace "invitations"). Public: the invitee may have no account yet.
invitation_patterns = [
    path("accept/<str:token>/", views.accept_invitation, name="accept"),
]

# Under /staff/ (namespace "staff").
staff_patterns = [
    path("agencies/", views.staff_agency_list, name="agency_list"),
    path("agencies/new/", views.staff_agency_create, name="agency_create"),
    path("agencies/<slug:slug>/", views.staff_agency_detail, name="agency_detail"),
    path("agencies/<slug:slug>/edit/", views.staff_agency_edit, name="agency_edit"),
    path(
        "agencies/<slug:slug>/deactivate/",
        views.staff_agency_deactivate,
        name="agency_deactivate",
    ),
    path(
        "agencies/<slug:slug>/reactivate/",
        views.staff_agency_reactivate,
        name="agency_reactivate",
    ),
    path(
        "agencies/<slug:slug>/members/<int:pk>/role/",
        views.staff_membership_change_role,
        name="agency_membership_role",
    ),
    path(
        "agencies/<slug:slug>/members/<int:pk>/remove/",
        views.staff_membership_remove,
        name="agency_membership_remove",
    ),
    path("invitations/", views.staff_invitation_list, name="invitation_list"),
    path("invitations/new/", views.staff_invitation_create, name="invitation_create"),
    path(
        "invitations/<int:pk>/revoke/", views.staff_invitation_revoke, name="invitation_revoke"
    ),
    path(
        "invitations/<int:pk>/resend/", views.staff_invitation_resend, name="invitation_resend"
    ),
]
