from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from skm_portal.cli import open_input_file, run_import
from units.services.unit_import import units_import


class Command(BaseCommand):
    help = "Create or update service units from a .csv or .xlsx (columns kode, nama, induk, jenis)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        with open_input_file(file) as source:
            data = source.read()
        summary = run_import(self, lambda: units_import(data=data, filename=Path(file).name))
        self.stdout.write(
            _("%(file)s: %(created)s unit(s) created, %(updated)s updated")
            % {"file": Path(file).name, "created": summary.created, "updated": summary.updated}
        )
