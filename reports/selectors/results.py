"""Every unit's SKM figures for a period and the city row, from one GROUP BY over its responses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from functools import cached_property

from django.db.models import Count, F, Max, Min, Q, Sum

from reports import skm, stats
from reports.tanggal import collection_window
from surveys.models import UNSUR_FIELDS, Period, Response, UnitPeriod, filled_at
from units.models import Unit

UNSUR_CODES = tuple(f.upper() for f in UNSUR_FIELDS)


@dataclass(frozen=True)
class UnitResult:
    unit_id: int
    kode: str
    nama: str
    metode: str
    populasi: int | None
    respondents: int
    answer_sums: tuple[int, ...] | None  # None when the unit has no responses
    first_at: datetime | None
    last_at: datetime | None
    square_sum: int | None = None  # sum over responses of (their nine answers' sum) squared

    # Computed once per result (exact fractions are not free and templates ask several times);
    # cached_property writes the instance dict, which a frozen dataclass allows.
    @cached_property
    def estimate(self) -> stats.MeanEstimate | None:
        if not self.respondents or self.square_sum is None:
            return None
        return stats.unit_estimate(
            answer_total=sum(self.answer_sums),
            square_total=self.square_sum,
            respondents=self.respondents,
            population=self.populasi or None,
        )

    @cached_property
    def ikm_ci95(self) -> tuple[float, float] | None:
        return stats.interval(self.estimate)

    @cached_property
    def unsur(self) -> tuple[Fraction, ...] | None:
        if not self.respondents:
            return None
        return tuple(skm.unsur_value(s, self.respondents) for s in self.answer_sums)

    @cached_property
    def ikm(self) -> Fraction | None:
        return skm.ikm(self.answer_sums, self.respondents) if self.respondents else None

    @cached_property
    def kategori(self) -> skm.Kategori | None:
        value = self.ikm
        return skm.kategori(value) if value is not None else None

    @property
    def proposed_prioritas(self) -> tuple[str, ...]:
        """The three lowest unsur, the portal's proposal of priority elements."""
        values = self.unsur
        if values is None:
            return ()
        ranked = sorted(zip(values, UNSUR_CODES, strict=True), key=lambda pair: pair[0])
        return tuple(code for _value, code in ranked[:3])

    @property
    def collection_period(self) -> str | None:
        if self.first_at is None or self.last_at is None:
            return None
        return collection_window(self.first_at, self.last_at)

    @property
    def minimum_sample(self) -> int | None:
        return skm.minimum_sample(self.populasi) if self.populasi else None

    @property
    def sample_reached(self) -> bool | None:
        """None while the unit has not entered its population: never guessed."""
        minimum = self.minimum_sample
        return None if minimum is None else self.respondents >= minimum


@dataclass(frozen=True)
class CityResult:
    """The city row: the unweighted mean over the units that have responses."""

    unsur: tuple[Fraction, ...] | None
    ikm: Fraction | None
    units: int
    respondents: int
    ikm_ci95: tuple[float, float] | None = None

    @property
    def kategori(self) -> skm.Kategori | None:
        return skm.kategori(self.ikm) if self.ikm is not None else None


# One response's nine answers added up (9..36): its score is this x 25/9.
_ANSWER_TOTAL = sum((F(f) for f in UNSUR_FIELDS[1:]), F(UNSUR_FIELDS[0]))


def unit_results(*, period: Period, units: Iterable[Unit] | None = None) -> list[UnitResult]:
    """Every unit's figures for the period, from one GROUP BY over its responses.

    Without `units`: all active units, and any inactive unit that has responses in the period.
    """
    responses = Response.objects.filter(period=period)
    if units is not None:
        units = list(units)
        responses = responses.filter(unit__in=units)
    sums = {
        row["unit_id"]: row
        for row in responses.values("unit_id")
        .order_by()
        .annotate(
            n=Count("id"),
            first_at=Min(filled_at()),
            last_at=Max(filled_at()),
            square_sum=Sum(_ANSWER_TOTAL * _ANSWER_TOTAL),
            **{f"s_{f}": Sum(f) for f in UNSUR_FIELDS},
        )
    }
    if units is None:
        units = list(Unit.objects.filter(Q(aktif=True) | Q(pk__in=sums.keys())).order_by("kode"))
    settings = {s.unit_id: s for s in UnitPeriod.objects.filter(period=period, unit__in=units)}
    results = []
    for unit in units:
        row = sums.get(unit.pk)
        setting = settings.get(unit.pk)
        results.append(
            UnitResult(
                unit_id=unit.pk,
                kode=unit.kode,
                nama=unit.nama,
                metode=setting.metode if setting else UnitPeriod.DEFAULT_METODE,
                populasi=setting.populasi if setting else None,
                respondents=row["n"] if row else 0,
                answer_sums=tuple(row[f"s_{f}"] for f in UNSUR_FIELDS) if row else None,
                first_at=row["first_at"] if row else None,
                last_at=row["last_at"] if row else None,
                square_sum=row["square_sum"] if row else None,
            )
        )
    return results


def city_result(results: Iterable[UnitResult]) -> CityResult:
    """Unweighted mean over units of each unsur value and the IKM; units without responses are left out."""
    counted = [r for r in results if r.respondents]
    if not counted:
        return CityResult(unsur=None, ikm=None, units=0, respondents=0)
    unsur = tuple(skm.mean(r.unsur[k] for r in counted) for k in range(skm.UNSUR_COUNT))
    return CityResult(
        unsur=unsur,
        ikm=skm.mean(r.ikm for r in counted),
        units=len(counted),
        respondents=sum(r.respondents for r in counted),
        ikm_ci95=stats.interval(stats.city_estimate(r.estimate for r in counted)),
    )


def answer_distribution(*, period: Period, unit: Unit) -> dict[str, list[int]]:
    """How many respondents gave each answer 1..4 to each unsur: one query."""
    counts = Response.objects.filter(period=period, unit=unit).aggregate(
        **{f"{f}_{value}": Count("id", filter=Q(**{f: value})) for f in UNSUR_FIELDS for value in range(1, 5)}
    )
    return {f.upper(): [counts[f"{f}_{value}"] for value in range(1, 5)] for f in UNSUR_FIELDS}
