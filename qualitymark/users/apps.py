from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "qualitymark.users"
    label = "users"
    verbose_name = "People"
