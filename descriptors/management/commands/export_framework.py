from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from descriptors.framework_data import EXTENSIONS, FORMATS
from descriptors.io import dump_framework
from descriptors.selectors import current_framework, framework_by_name


class Command(BaseCommand):
    help = (
        "Write a descriptor framework as YAML or JSON (the current published one unless "
        "--name/--version say otherwise), to standard output or --output."
    )

    def add_base_argument(self, parser, *args, **kwargs):
        # --version here means the framework version, not Django's.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--name", help="Framework name; the newest version unless --version.")
        parser.add_argument("--version", dest="framework_version", type=int, help="Version.")
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=FORMATS,
            help="yaml or json; by default from the --output extension, else yaml.",
        )
        parser.add_argument("--output", help="File to write instead of standard output.")

    def handle(
        self, *args, name=None, framework_version=None, file_format=None, output=None, **options
    ):
        framework = self._chosen_framework(name, framework_version)
        file_format = file_format or self._format_for(output)
        text = dump_framework(framework, file_format)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote '{framework.name}' version {framework.version} to {output}.")
        else:
            self.stdout.write(text, ending="")

    def _chosen_framework(self, name, version):
        if name is None and version is None:
            framework = current_framework()
            if framework is None:
                raise CommandError("No framework is published yet; say which with --name.")
            return framework
        if name is None:
            current = current_framework()
            if current is None:
                raise CommandError("Say which framework with --name as well as --version.")
            name = current.name
        framework = framework_by_name(name, version)
        if framework is None:
            which = f"version {version} of '{name}'" if version else f"'{name}'"
            raise CommandError(f"There is no framework {which}.")
        return framework

    @staticmethod
    def _format_for(output) -> str:
        if output:
            return EXTENSIONS.get(Path(output).suffix.lower(), "yaml")
        return "yaml"
