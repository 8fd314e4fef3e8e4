from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from descriptors.framework_data import FORMATS, FrameworkFileError
from descriptors.io import read_framework_file
from descriptors.services import import_framework


class Command(BaseCommand):
    help = (
        "Import a descriptor framework from a YAML or JSON file as a draft "
        "(or publish it straight away with --publish). Nothing changes if the file has problems."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .yaml, .yml or .json framework file.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the imported framework, retiring the version it replaces.",
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=FORMATS,
            help="File format, if the extension does not say.",
        )

    def handle(self, *args, file, publish, file_format=None, **options):
        try:
            data = read_framework_file(file, file_format)
            framework = import_framework(data=data, actor=None, publish=publish)
        except FileNotFoundError as error:
            raise CommandError(f"{file}: no such file.") from error
        except FrameworkFileError as error:
            problems = "\n".join(f"  {message}" for message in error.messages)
            raise CommandError(
                f"{file} was not imported; nothing has changed.\n{problems}"
            ) from error
        except ValidationError as error:
            problems = "\n".join(f"  {message}" for message in error.messages)
            raise CommandError(
                f"{file} could not be published; nothing has changed.\n{problems}"
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported '{framework.name}' version {framework.version} as "
                f"{framework.get_status_display().lower()}: {len(data.descriptors)} "
                f"descriptors, {data.marker_count} markers."
            )
        )
