"""What the unit and city dashboards show, each read in a few queries."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils import timezone

from reports.flags import Flag
from reports.selectors.demographics import DemographicRow, demographics_of, keyed_counts
from reports.selectors.flags import period_flags, unit_flags
from reports.selectors.rencana import (
    city_realisasi,
    overdue_by_unit,
    prioritas_by_unit,
    prioritas_of_unit,
    realisasi_by_unit,
    realisasi_of,
    tindak_lanjut_overdue,
)
from reports.selectors.results import (
    CityResult,
    UnitResult,
    answer_distribution,
    city_result,
    results_by_period,
    unit_results,
)
from reports.selectors.rollups import Rollup, rollup_of
from reports.selectors.saran_tema import TemaUnsur, unit_themes
from surveys.models import KeyedTally, Period
from surveys.selectors.periods import previous_period
from surveys.selectors.responses import SaranPage, saran_of_unit
from units.models import Unit

SARAN_SHOWN = 100


@dataclass(frozen=True)
class UnitDashboard:
    result: UnitResult
    previous: UnitResult | None
    previous_period: Period | None
    distribution: dict[str, list[int]]
    demographics: dict[str, list[DemographicRow]]
    prioritas: list  # chosen priority elements with their actions
    previous_rencana: list  # the previous period's priorities and actions, whose realisasi is recorded now
    realisasi: Fraction | None
    saran: SaranPage
    flags: list[Flag]  # with their reviews
    rollup: Rollup | None  # when the unit has children
    sub_units: list[UnitResult]  # every child unit, by code, with or without responses
    suara: list[TemaUnsur]  # "Suara responden": the suggestions' themes per unsur

    @property
    def ikm_change(self) -> Fraction | None:
        if self.previous is None or self.previous.ikm is None or self.result.ikm is None:
            return None
        return self.result.ikm - self.previous.ikm


def unit_dashboard(*, unit: Unit, period: Period, before: Period | None, saran_query: str = "") -> UnitDashboard:
    """`before`: the period before `period` (surveys.selectors.periods.previous_period), or None.

    The unit's and its children's figures of both periods come in one query, both periods'
    priorities in another (realisasi is the mean progress of the earlier plan's actions)."""
    periods = [period, before] if before is not None else [period]
    by_period = results_by_period(periods=periods, units=[unit], children_of=unit, counts=True)
    result, *children = by_period[period.pk]
    previous = by_period[before.pk][0] if before is not None else None
    chosen = prioritas_of_unit(unit=unit, periods=periods)
    previous_rencana = chosen.get(before.pk, []) if before is not None else []
    keyed = keyed_counts(period=period, units=[unit])  # the profile and the filling durations
    saran = saran_of_unit(unit=unit, period=period, query=saran_query, shown=SARAN_SHOWN)
    return UnitDashboard(
        result=result,
        previous=previous,
        previous_period=before,
        distribution=answer_distribution(result),
        demographics=demographics_of(keyed),
        prioritas=chosen.get(period.pk, []),
        previous_rencana=previous_rencana,
        realisasi=realisasi_of(previous_rencana),
        saran=saran,
        flags=unit_flags(
            period=period, result=result, previous=(before, previous), durations=keyed[KeyedTally.Kind.DURASI]
        ),
        rollup=rollup_of(unit=unit, children=children) if children else None,
        sub_units=children,
        # Examples from the newest suggestions already read, unless a search narrowed them.
        suara=unit_themes(period=period, unit=unit, previous=before, newest=None if saran_query else saran.items),
    )


@dataclass(frozen=True)
class CityRow:
    result: UnitResult
    prioritas: int
    tindak_lanjut: int
    realisasi: Fraction | None
    flags: list[Flag]  # with their reviews
    tindak_lanjut_late: int  # actions of the period's plan past their target below 100 %
    realisasi_late: int  # the same of the previous plan, whose realisasi is recorded now

    @property
    def open_flags(self) -> int:
        return sum(1 for flag in self.flags if not flag.reviewed)


def city_dashboard(*, period: Period) -> tuple[list[CityRow], CityResult, Fraction | None]:
    """Every unit of the period with its follow-up state and flags, the city row and the city realisasi."""
    results = unit_results(period=period)
    flags = period_flags(period=period, results=results)
    chosen = prioritas_by_unit(period=period)
    before = previous_period(period)
    realisasi = realisasi_by_unit(rencana_period=before)
    today = timezone.localdate()
    realisasi_late = overdue_by_unit(rencana_period=before, today=today)
    rows = []
    for r in results:
        actions = [action for p in chosen.get(r.unit_id, []) for action in p.tindak_lanjut.all()]
        rows.append(
            CityRow(
                result=r,
                prioritas=len(chosen.get(r.unit_id, [])),
                tindak_lanjut=len(actions),
                realisasi=realisasi.get(r.unit_id),
                flags=flags.get(r.unit_id, []),
                tindak_lanjut_late=sum(1 for action in actions if tindak_lanjut_overdue(action, today)),
                realisasi_late=realisasi_late.get(r.unit_id, 0),
            )
        )
    return rows, city_result(results), city_realisasi(realisasi)
