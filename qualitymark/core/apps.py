from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qualitymark.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from . import sign_in_limit  # noqa: F401  (connects its sign-in receiver)
