from django.urls import path

from . import views

# Included under /staff/ with the "staff" namespace by qualitymark/urls.py.
staff_patterns = [
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/upload/", views.framework_upload, name="framework_upload"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/edit/", views.framework_edit, name="framework_edit"),
    path("frameworks/<int:pk>/publish/", views.framework_publish, name="framework_publish"),
    path(
        "frameworks/<int:pk>/new-version/",
        views.framework_new_version,
        name="framework_new_version",
    ),
    path("frameworks/<int:pk>/delete/", views.framework_delete, name="framework_delete"),
    path(
        "frameworks/<int:pk>/download/<str:file_format>/",
        views.framework_download,
        name="framework_download",
    ),
    path(
        "frameworks/<int:pk>/descriptors/<int:number>/edit/",
        views.framework_descriptor_edit,
        name="framework_descriptor_edit",
    ),
    path(
        "frameworks/<int:pk>/descriptors/<int:number>/markers/add/",
        views.framework_marker_add,
        name="framework_marker_add",
    ),
    path(
        "frameworks/<int:pk>/markers/<int:marker_pk>/edit/",
        views.framework_marker_edit,
        name="framework_marker_edit",
    ),
    path(
        "frameworks/<int:pk>/markers/<int:marker_pk>/delete/",
        views.framework_marker_delete,
        name="framework_marker_delete",
    ),
]
