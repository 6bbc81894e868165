from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.selectors.verification import period_verify
from surveys.models import Period


class Command(BaseCommand):
    help = (
        "Check a locked period's stored responses against the SHA-256 taken when it was locked; "
        "exits non-zero and names the units that differ when anything changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. 2023-S2")

    def handle(self, *args, period: str, **options):
        try:
            period_obj = Period.objects.get(kode=period)
        except Period.DoesNotExist:
            raise CommandError(_("unknown period %(kode)s") % {"kode": period}) from None
        result = period_verify(period_obj)
        if result is None:
            raise CommandError(_("period %(kode)s has no snapshot: it is not locked yet") % {"kode": period})
        if not result.ok:
            raise CommandError(
                _(
                    "period %(kode)s changed after locking: %(actual)s responses now, %(expected)s when locked; "
                    "SHA-256 %(sha)s instead of %(expected_sha)s; units that differ: %(units)s"
                )
                % {
                    "kode": period,
                    "actual": result.actual_rows,
                    "expected": result.expected_rows,
                    "sha": result.actual_sha256,
                    "expected_sha": result.expected_sha256,
                    "units": ", ".join(result.differing_units),
                }
            )
        self.stdout.write(
            _("period %(kode)s: %(rows)s responses match the snapshot taken at locking (SHA-256 %(sha)s)")
            % {"kode": period, "rows": result.actual_rows, "sha": result.actual_sha256}
        )
