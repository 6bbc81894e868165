from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.documents.data import report_data
from reports.documents.json_report import report_json
from reports.exceptions import SignatureMissing
from surveys.models import Period
from units.models import Unit


class Command(BaseCommand):
    help = "Write the SKM report of a period (city-wide, or one unit with --unit) as JSON, Excel or PDF."
    requires_system_checks = []  # as migrate: a data command, and the checks cost a third of a second

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="e.g. 2023-S2")
        parser.add_argument("--format", required=True, choices=["json", "xlsx", "pdf"], dest="fmt")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--unit", help="unit code, e.g. UPP016")

    def handle(self, *args, period: str, fmt: str, output: str, unit: str | None, **options):
        try:
            period_obj = Period.objects.get(kode=period)
        except Period.DoesNotExist:
            raise CommandError(_("unknown period %(kode)s") % {"kode": period}) from None
        unit_obj = None
        if unit:
            try:
                unit_obj = Unit.objects.get(kode=unit)
            except Unit.DoesNotExist:
                raise CommandError(_("unknown unit code %(kode)s") % {"kode": unit}) from None
        data = report_data(period=period_obj, unit=unit_obj)
        path = Path(output)
        try:
            if fmt == "json":
                path.write_text(report_json(data), encoding="utf-8")
            elif fmt == "xlsx":
                # Imported here, as the PDF's below: openpyxl takes a third of a second to load, JSON needs none of it.
                from reports.documents.recap_xlsx import write_report_xlsx

                with path.open("wb") as stream:
                    write_report_xlsx(data, stream, rencana_of=period_obj)
            else:
                # WeasyPrint and the charts take seconds to load.
                from reports.pdf.city import city_report_pdf
                from reports.pdf.unit import unit_report_pdf

                if unit_obj is not None:
                    path.write_bytes(unit_report_pdf(unit=unit_obj, period=period_obj))
                else:
                    path.write_bytes(city_report_pdf(period=period_obj))
        except OSError as exc:
            raise CommandError(
                _("cannot write %(path)s: %(error)s") % {"path": output, "error": exc.strerror}
            ) from None
        except SignatureMissing as exc:  # a locked period's report without its date of signature
            raise CommandError(str(exc)) from None
        overall = data["overall"]
        self.stdout.write(
            _("%(path)s: %(units)s unit(s), %(respondents)s respondent(s), IKM %(ikm)s")
            % {"path": output, "units": overall["units"], "respondents": overall["respondents"], "ikm": overall["ikm"]}
        )
