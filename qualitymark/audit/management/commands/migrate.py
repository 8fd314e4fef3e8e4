"""Django's migrate, run as the owner role when DATABASE_OWNER_URL is set, then
granting the portal's own role its privileges (see qualitymark/audit/roles.py).

The test database is made through this command too, so the tests' database has
the same grants."""

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from qualitymark.audit.roles import connected_as_owner, grant_app_privileges


class Command(MigrateCommand):
    help = MigrateCommand.help + " Runs as DATABASE_OWNER_URL's role when it is set."

    def handle(self, *args, **options):
        alias = options["database"]
        with connected_as_owner(alias):
            super().handle(*args, **options)
            if grant_app_privileges(connections[alias]) and options["verbosity"] >= 1:
                self.stdout.write("Granted the portal's database role its privileges.")
