from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from skm_portal.cli import open_input_file, run_import
from surveys.services.periods import period_get_or_create
from surveys.services.response_import import responses_import


class Command(BaseCommand):
    help = "Import respondent-level responses from a .csv or .xlsx into a period (all rows or none)."
    requires_system_checks = []  # as migrate: a data command, and the checks cost a third of a second

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", required=True, help="e.g. 2023-S2")

    def handle(self, *args, file: str, period: str, **options):
        # Read as a stream: a large CSV never sits in memory whole. A period the code names is made
        # with the import, in its transaction: a refused file leaves no new period behind.
        with open_input_file(file) as source, transaction.atomic():
            try:
                period_obj = period_get_or_create(kode=period)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            batch = run_import(
                self, lambda: responses_import(source=source, filename=Path(file).name, period=period_obj)
            )
        self.stdout.write(
            _("%(file)s: %(count)s response(s) imported into %(period)s (import #%(id)s)")
            % {"file": batch.filename, "count": batch.row_count, "period": period_obj.kode, "id": batch.pk}
        )
