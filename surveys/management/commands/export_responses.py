from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys.models import Period
from surveys.services.response_export import responses_export_csv


class Command(BaseCommand):
    help = "Export a period's responses to .csv for archiving (the import format, without client hashes)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, period: str, output: str, **options):
        try:
            period_obj = Period.objects.get(kode=period)
        except Period.DoesNotExist:
            raise CommandError(_("unknown period %(kode)s") % {"kode": period}) from None
        try:
            with Path(output).open("w", encoding="utf-8", newline="") as stream:
                count = responses_export_csv(period=period_obj, output=stream)
        except OSError as exc:
            raise CommandError(
                _("cannot write %(path)s: %(error)s") % {"path": output, "error": exc.strerror}
            ) from None
        self.stdout.write(
            _("%(path)s: %(count)s response(s) of %(period)s") % {"path": output, "count": count, "period": period}
        )
