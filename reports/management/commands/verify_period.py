from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.selectors.verification import period_verify
from surveys.models import Period
from surveys.selectors.tally_counts import tallies_differing
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Check a period's tallies against a count of its responses and, once it is locked, against what was "
        "kept when it was locked: its stored responses (SHA-256), its report's words and every unit's "
        "population and method; exits non-zero and names what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. 2023-S2")

    def handle(self, *args, period: str, **options):
        try:
            period_obj = Period.objects.get(kode=period)
        except Period.DoesNotExist:
            raise CommandError(_("unknown period %(kode)s") % {"kode": period}) from None
        problems = []
        differing = tallies_differing(period_id=period_obj.pk)
        if differing:
            codes = Unit.objects.filter(pk__in=differing).order_by("kode").values_list("kode", flat=True)
            problems.append(
                _(
                    "period %(kode)s: the tallies of %(units)s differ from a count of their responses; "
                    "python manage.py rebuild_tallies %(kode)s counts them again"
                )
                % {"kode": period, "units": ", ".join(codes)}
            )
        result = period_verify(period_obj)
        if result is None:
            if problems:
                raise CommandError("\n".join(problems))
            self.stdout.write(
                _("period %(kode)s: its tallies match its responses; it is not locked yet, so there is no snapshot")
                % {"kode": period}
            )
            return
        if not result.responses_ok:
            problems.append(
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
        if result.differing_texts:
            problems.append(
                _("period %(kode)s: report texts changed after locking: %(fields)s")
                % {"kode": period, "fields": ", ".join(result.differing_texts)}
            )
        if result.differing_settings:
            problems.append(
                _("period %(kode)s: population or method changed after locking: %(units)s")
                % {"kode": period, "units": "; ".join(str(change) for change in result.differing_settings)}
            )
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(
            _(
                "period %(kode)s: %(rows)s responses, their tallies, the report texts and the unit settings match "
                "the snapshot taken at locking (SHA-256 %(sha)s)"
            )
            % {"kode": period, "rows": result.actual_rows, "sha": result.actual_sha256}
        )
