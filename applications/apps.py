from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Agencies and applications"

    def ready(self):
        from qualitymark.core.outbox import register_sweep

        from . import checks, notifications  # noqa: F401 - lifecycle e-mails and their check
        from .tasks import requeue_pending_evidence

        register_sweep(requeue_pending_evidence)

        from .roles import register_agency_roles

        register_agency_roles()
