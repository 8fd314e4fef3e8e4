from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation, awards and the register"

    def ready(self):
        from . import notifications  # noqa: F401 - registers the lifecycle e-mails
        from .roles import register_moderator_roles

        register_moderator_roles()
