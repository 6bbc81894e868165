from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys.exceptions import PeriodLocked
from surveys.services.periods import period_open


class Command(BaseCommand):
    help = "Create the period if needed (standard semester dates) and open it for responses."

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. 2026-S2")

    def handle(self, *args, period: str, **options):
        try:
            obj = period_open(kode=period)
        except (ValueError, PeriodLocked) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("period %(kode)s (%(start)s to %(end)s) is open")
            % {"kode": obj.kode, "start": obj.tanggal_mulai, "end": obj.tanggal_selesai}
        )
