from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualitymark.core.backup import restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an EMPTY PostgreSQL database "
        "(never the one in use) and an empty files folder, then check every table's "
        "row count and every file's digest against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="The backup folder")
        parser.add_argument(
            "--database-url",
            required=True,
            help="The empty database to restore into, e.g. postgres://user@host:5432/restored",
        )
        parser.add_argument("--files-to", type=Path, help="An empty folder for the files")

    def handle(self, *args, source, database_url, files_to=None, **options):
        files_to = Path(files_to) if files_to else None
        try:
            problems = restore(source=Path(source), database_url=database_url, files_to=files_to)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if problems:
            raise CommandError("The restore does not match the backup:\n" + "\n".join(problems))
        self.stdout.write("Restored; every table and file matches the backup.")
