from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Data governance across the service: the retention schedule and its daily
    job, subject access, erasure and the record of who saw which application.

    It reads the apps' data through django.apps.apps.get_model (never an import),
    so it depends on no app at module level."""

    name = "qualitymark.governance"
    label = "governance"
    verbose_name = "Data governance"
