from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qualitymark.core"
    label = "core"
    verbose_name = "Core"
