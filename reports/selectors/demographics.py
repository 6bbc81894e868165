"""The respondent profile of BAB II: respondents by age band, sex, education and occupation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Sum

from surveys.models import KeyedTally, Pekerjaan, Pendidikan, Period, Sex
from surveys.rules import KELOMPOK_UMUR
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


def keyed_counts(*, period: Period, units: Iterable[Unit] | None = None) -> dict[str, dict[str, int]]:
    """The units' keyed tallies (surveys.models.KeyedTally) added up, by kind and value: one query."""
    tallies = KeyedTally.objects.filter(period=period)
    if units is not None:
        tallies = tallies.filter(unit__in=list(units))
    counts: dict[str, dict[str, int]] = {kind: {} for kind in KeyedTally.Kind.values}
    for kind, value, count in (
        tallies.values_list("kind", "value").annotate(n=Sum("count")).values_list("kind", "value", "n")
    ):
        counts[kind][value] = count
    return counts


def demographics(*, period: Period, units: Iterable[Unit] | None = None) -> dict[str, list[DemographicRow]]:
    """Respondents by age band, sex, education and occupation, in the report's order: one query
    over the units' profile tallies."""
    return demographics_of(keyed_counts(period=period, units=units))


def demographics_of(counts: dict[str, dict[str, int]]) -> dict[str, list[DemographicRow]]:
    """demographics from keyed_counts already read."""
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
