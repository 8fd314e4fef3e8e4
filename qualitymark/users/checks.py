from django.core import checks

from .roles import unread_role_fields


@checks.register()
def every_role_is_read(app_configs, **kwargs):
    return [
        checks.Error(
            f"No app registers a reader for the {name!r} part of a person's roles",
            hint="Call qualitymark.users.roles.register_role_reader from the app's "
            "AppConfig.ready.",
            id="users.E001",
        )
        for name in unread_role_fields()
    ]
