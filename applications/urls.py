from django.urls import path

from . import views

agency_patterns = [
    path("", views.agency_dashboard, name="dashboard"),
]

invitation_patterns: list = []

staff_patterns: list = []
