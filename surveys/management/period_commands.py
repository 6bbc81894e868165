"""The shape shared by commands that work on one period, given by its code, or on every period."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys.models import Period


class EachPeriodCommand(BaseCommand):
    """Calls handle_period for the period named (an unknown code is an error), or for every period
    from the oldest."""

    def add_arguments(self, parser):
        parser.add_argument("period", nargs="?", help="e.g. 2023-S2")

    def handle(self, *args, period: str | None, **options):
        periods = Period.objects.order_by("tanggal_mulai")
        if period is not None:
            periods = periods.filter(kode=period)
            if not periods:
                raise CommandError(_("unknown period %(kode)s") % {"kode": period})
        for found in periods:
            self.handle_period(found)

    def handle_period(self, period: Period) -> None:
        raise NotImplementedError
