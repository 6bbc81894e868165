from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys.models import Period
from surveys.services.tally_rebuild import period_tallies_rebuild


class Command(BaseCommand):
    help = (
        "Count the running totals (tallies) of a period again from its stored responses: after responses "
        "were changed outside the portal, or after SKM_FLAG_DUPLICATE_MINUTES, SKM_FLAG_BURST_MINUTES or "
        "SKM_FLAG_BURST_RESPONSES changed. Without a period, every period."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", nargs="?", help="e.g. 2023-S2")

    def handle(self, *args, period: str | None, **options):
        periods = Period.objects.order_by("tanggal_mulai")
        if period is not None:
            periods = periods.filter(kode=period)
            if not periods:
                raise CommandError(_("unknown period %(kode)s") % {"kode": period})
        for found in periods:
            counted = period_tallies_rebuild(period=found)
            self.stdout.write(
                _("period %(kode)s: tallies counted again from %(count)s responses")
                % {"kode": found.kode, "count": counted}
            )
