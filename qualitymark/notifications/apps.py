from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "qualitymark.notifications"
    label = "notifications"
    verbose_name = "Notifications"
