from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation, awards and the register"

    def ready(self):
        from qualitymark.core.outbox import register_sweep

        from . import notifications  # noqa: F401 - registers the lifecycle e-mails
        from .signals import connect
        from .tasks import requeue_missing_certificates

        connect()
        register_sweep(requeue_missing_certificates)

        from .roles import register_moderator_roles

        register_moderator_roles()

        from applications.award_facts import register_award_readers

        from .selectors.action_plans import latest_award, previous_outcome

        register_award_readers(latest_award=latest_award, previous_outcome=previous_outcome)
