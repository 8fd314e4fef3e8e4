from django.urls import path

from . import views

# Under /staff/ (namespace "staff")
staff_patterns = [
    path("people/", views.people_list, name="people_list"),
    path("people/<int:pk>/", views.people_detail, name="people_detail"),
    path(
        "people/<int:pk>/remove-staff-rights/",
        views.people_remove_staff,
        name="people_remove_staff",
    ),
]
