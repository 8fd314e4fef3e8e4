from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qualitymark.core.backup import backup


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format) and the private "
        "files folder into a new folder, with a manifest of row counts and file digests."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="Folder to write the backup into")
        parser.add_argument(
            "--no-files",
            action="store_true",
            help="Only the database (files are in an S3 bucket: copy it with aws s3 sync)",
        )

    def handle(self, *args, output, no_files=False, **options):
        output = Path(output)
        if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
            raise CommandError("Backups are for PostgreSQL (DATABASE_URL=postgres://...).")
        if output.exists() and any(output.iterdir()):
            raise CommandError(f"{output} is not empty.")
        media = None
        if not no_files:
            location = settings.STORAGES["default"].get("OPTIONS", {}).get("location")
            if not location:
                raise CommandError(
                    "Files are not on disk here: use --no-files and copy the "
                    "bucket with aws s3 sync."
                )
            media = Path(location)
        manifest = backup(output=output, media_root=media)
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables and {len(manifest['files'])} files "
            f"to {output}"
        )
