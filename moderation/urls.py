from django.urls import path

from . import views

# /moderation/ (namespace "moderation")
moderator_patterns = [
    path("", views.queue, name="queue"),
    path("profile/", views.profile, name="profile"),
    path("profile/agencies/", views.profile_agencies, name="profile_agencies"),
]

# Under /staff/ (namespace "staff")
staff_patterns = [
    path("", views.staff_home, name="home"),
    path("moderators/", views.staff_moderator_list, name="moderator_list"),
    path("moderators/<int:pk>/", views.staff_moderator_detail, name="moderator_detail"),
    path("moderators/<int:pk>/chair/", views.staff_moderator_chair, name="moderator_chair"),
    path(
        "moderators/<int:pk>/deactivate/",
        views.staff_moderator_deactivate,
        name="moderator_deactivate",
    ),
    path(
        "moderators/<int:pk>/reactivate/",
        views.staff_moderator_reactivate,
        name="moderator_reactivate",
    ),
]

public_patterns: list = []
