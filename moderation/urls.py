from django.urls import path

from .views import profiles as profile_views

# /moderation/ (namespace "moderation")
moderator_patterns = [
    path("", profile_views.queue, name="queue"),
    path("profile/", profile_views.profile, name="profile"),
    path("profile/agencies/", profile_views.profile_agencies, name="profile_agencies"),
]

# Under /staff/ (namespace "staff")
staff_patterns = [
    path("", profile_views.staff_home, name="home"),
    path("moderators/", profile_views.staff_moderator_list, name="moderator_list"),
    path("moderators/<int:pk>/", profile_views.staff_moderator_detail, name="moderator_detail"),
    path("moderators/<int:pk>/chair/", profile_views.staff_moderator_chair, name="moderator_chair"),
    path(
        "moderators/<int:pk>/deactivate/",
        profile_views.staff_moderator_deactivate,
        name="moderator_deactivate",
    ),
    path(
        "moderators/<int:pk>/reactivate/",
        profile_views.staff_moderator_reactivate,
        name="moderator_reactivate",
    ),
]

public_patterns: list = []
