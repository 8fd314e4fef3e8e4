from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "qualitymark.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import delivery  # noqa: F401 - adds unsent e-mail to the outbox sweep
