"""Every unit's SKM figures for a period and the city row, from the units' tallies (written with the
responses, surveys.models.UnitTally): one row per unit, however many responses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from functools import cached_property

from django.db.models import Q

from reports import skm, stats
from reports.tanggal import collection_window
from surveys.models import UNSUR_FIELDS, Period, UnitPeriod, UnitTally
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
    answer_counts: dict[str, list[int]] | None = None  # respondents per answer 1..4, by unsur code
    # What the data-quality flags read (reports.selectors.flags): see surveys.models.UnitTally.
    duplicates: int = 0
    first_duplicate_at: datetime | None = None
    pattern_candidate: str = ""
    pattern_lead: int = 0

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


def unit_results(*, period: Period, units: Iterable[Unit] | None = None) -> list[UnitResult]:
    """Every unit's figures for the period, from its tally.

    Without `units`: all active units, and any inactive unit that has responses in the period.
    """
    tallies = UnitTally.objects.filter(period=period, respondents__gt=0)
    if units is not None:
        units = list(units)
        tallies = tallies.filter(unit__in=units)
    by_unit = {tally.unit_id: tally for tally in tallies}
    if units is None:
        units = list(Unit.objects.filter(Q(aktif=True) | Q(pk__in=by_unit.keys())).order_by("kode"))
    settings = {s.unit_id: s for s in UnitPeriod.objects.filter(period=period, unit__in=units)}
    return [_result(unit, by_unit.get(unit.pk), settings.get(unit.pk)) for unit in units]


def _result(unit: Unit, tally: UnitTally | None, setting: UnitPeriod | None) -> UnitResult:
    declared = {
        "metode": setting.metode if setting else UnitPeriod.DEFAULT_METODE,
        "populasi": setting.populasi if setting else None,
    }
    if tally is None:
        return UnitResult(
            unit_id=unit.pk, kode=unit.kode, nama=unit.nama, **declared, respondents=0, answer_sums=None,
            first_at=None, last_at=None,
        )  # fmt: skip
    return UnitResult(
        unit_id=unit.pk, kode=unit.kode, nama=unit.nama, **declared, respondents=tally.respondents,
        answer_sums=tally.answer_sums, first_at=tally.first_filled_at, last_at=tally.last_filled_at,
        square_sum=tally.answer_square_sum, answer_counts=tally.answer_counts, duplicates=tally.duplicates,
        first_duplicate_at=tally.first_duplicate_at, pattern_candidate=tally.pattern_candidate,
        pattern_lead=tally.pattern_lead,
    )  # fmt: skip


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


def answer_distribution(result: UnitResult) -> dict[str, list[int]]:
    """How many respondents gave each answer 1..4 to each unsur (zeros without responses)."""
    return result.answer_counts or {code: [0, 0, 0, 0] for code in UNSUR_CODES}
