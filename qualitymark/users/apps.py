from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "qualitymark.users"
    label = "users"
    verbose_name = "People"

    def ready(self):
        from . import checks  # noqa: F401 - registers the start-up check of role readers
        from .role_grants import register_role_grant
        from .services import grant_coram_staff

        register_role_grant(
            "coram_staff",
            grant=lambda *, actor, user, role, agency: grant_coram_staff(actor=actor, user=user),
            holds=lambda *, user, role, agency: user.is_coram_staff,
        )
