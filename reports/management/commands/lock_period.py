from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.services.locking import period_lock


class Command(BaseCommand):
    help = "Lock a period: no more responses, imports or plan changes; its report is final."

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. 2026-S2")

    def handle(self, *args, period: str, **options):
        try:
            obj = period_lock(kode=period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("period %(kode)s is locked") % {"kode": obj.kode})
