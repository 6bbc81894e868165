from django.utils.translation import gettext as _

from surveys.management.period_commands import EachPeriodCommand
from surveys.models import Period
from surveys.services.tally_rebuild import period_tallies_rebuild


class Command(EachPeriodCommand):
    help = (
        "Count the running totals (tallies) of a period again from its stored responses: after responses "
        "were changed outside the portal, or after SKM_FLAG_DUPLICATE_MINUTES, SKM_FLAG_BURST_MINUTES or "
        "SKM_FLAG_BURST_RESPONSES changed. Without a period, every period."
    )

    def handle_period(self, period: Period) -> None:
        counted = period_tallies_rebuild(period=period)
        self.stdout.write(
            _("period %(kode)s: tallies counted again from %(count)s responses")
            % {"kode": period.kode, "count": counted}
        )
