from django.urls import path

from . import views

# Under /staff/ (namespace "staff")
staff_patterns = [
    path("data-retention/", views.retention, name="retention"),
    path("data-retention/<slug:key>/edit/", views.retention_rule_edit, name="retention_rule_edit"),
    path("people/<int:pk>/data/", views.person_data, name="person_data"),
    path("people/<int:pk>/data.json", views.person_data_json, name="person_data_json"),
    path("people/<int:pk>/erase/", views.person_erase, name="person_erase"),
    path("who-saw-what/", views.content_view_list, name="content_views"),
]
