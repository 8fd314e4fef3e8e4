from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Agencies and applications"

    def ready(self):
        from . import notifications  # noqa: F401 - registers the lifecycle e-mails
        from .roles import register_agency_roles

        register_agency_roles()
