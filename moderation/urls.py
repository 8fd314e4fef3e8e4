from django.urls import path

from . import views

moderator_patterns = [
    path("", views.queue, name="queue"),
]

staff_patterns = [
    path("", views.staff_home, name="home"),
]

public_patterns: list = []
