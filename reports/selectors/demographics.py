"""The respondent profile of BAB II: respondents by age band, sex, education and occupation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Case, CharField, Count, Q, Value, When

from surveys.models import Pekerjaan, Pendidikan, Period, Response, Sex
from units.models import Unit

DEMOGRAPHIC_TITLES = {
    "umur": "Usia",
    "jenis_kelamin": "Jenis Kelamin",
    "pendidikan": "Pendidikan",
    "pekerjaan": "Pekerjaan",
}


@dataclass(frozen=True)
class DemographicRow:
    label: str
    count: int
    percent: Fraction  # of all respondents, unrounded


# The report's age bands: (label, lowest age, highest age), open at the ends.
KELOMPOK_UMUR = (("< 20", None, 19), ("20-29", 20, 29), ("30-39", 30, 39), ("40-49", 40, 49), (">= 50", 50, None))


def kelompok_umur(umur: int) -> str:
    """The report's age band of an age."""
    return next(
        label for label, low, high in KELOMPOK_UMUR if (low is None or umur >= low) and (high is None or umur <= high)
    )


def demographics(*, period: Period, units: Iterable[Unit] | None = None) -> dict[str, list[DemographicRow]]:
    """Respondents by age band, sex, education and occupation, in the report's order."""
    responses = Response.objects.filter(period=period)
    if units is not None:
        responses = responses.filter(unit__in=list(units))
    band = Case(
        *[
            When(
                Q(**({"umur__gte": low} if low is not None else {}))
                & Q(**({"umur__lte": high} if high is not None else {})),
                then=Value(label),
            )
            for label, low, high in KELOMPOK_UMUR
        ],
        output_field=CharField(),
    )
    counts = {
        "umur": _counts(responses.annotate(band=band), "band"),
        "jenis_kelamin": _counts(responses, "jenis_kelamin"),
        "pendidikan": _counts(responses, "pendidikan"),
        "pekerjaan": _counts(responses, "pekerjaan"),
    }
    labels = {
        "umur": [(label, label) for label, _low, _high in KELOMPOK_UMUR],
        "jenis_kelamin": list(Sex.choices),
        "pendidikan": list(Pendidikan.choices),
        "pekerjaan": list(Pekerjaan.choices),
    }
    total = sum(counts["jenis_kelamin"].values())
    return {
        name: [
            DemographicRow(
                label=label,
                count=counts[name].get(value, 0),
                percent=Fraction(100 * counts[name].get(value, 0), total) if total else Fraction(0),
            )
            for value, label in labels[name]
        ]
        for name in labels
    }


def _counts(queryset, field: str) -> dict[str, int]:
    return dict(queryset.order_by().values_list(field).annotate(n=Count("id")).values_list(field, "n"))
