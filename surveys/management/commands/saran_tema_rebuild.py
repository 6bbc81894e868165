from django.utils.translation import gettext as _

from surveys.management.period_commands import EachPeriodCommand
from surveys.models import Period
from surveys.services.saran_tema import saran_tema_rebuild


class Command(EachPeriodCommand):
    help = (
        "Classify every stored suggestion of a period again with the theme rules in force and count the "
        "period's theme tallies anew: after the rules were edited. Without a period, every period."
    )

    def handle_period(self, period: Period) -> None:
        rebuilt = saran_tema_rebuild(period)
        self.stdout.write(
            _("period %(kode)s: %(count)s suggestions classified again, %(changed)s changed their themes")
            % {"kode": period.kode, "count": rebuilt.suggestions, "changed": rebuilt.changed}
        )
