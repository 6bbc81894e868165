"""The report as plain data: the JSON of interfaces.md, also the source of the Excel recap and of
a locked period's snapshot."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from reports import skm
from reports.models import PeriodSnapshot
from reports.selectors.demographics import demographics
from reports.selectors.flags import period_flags
from reports.selectors.rencana import city_realisasi, prioritas_by_unit, realisasi_by_unit
from reports.selectors.results import CHANNELS, UNSUR_CODES, city_result, unit_results
from reports.selectors.rollups import rollups
from surveys.models import Period
from surveys.selectors.periods import previous_period
from units.models import Unit

ROLLUP_METHOD = "rata-rata tanpa bobot dari unit di bawahnya yang memiliki responden"  # the city row's rule


def _number(value: Fraction | None, places: int = 2) -> float | None:
    return skm.rounded_float(value, places)


def _rounded_unsur(values: tuple[float, ...] | None) -> dict[str, float | None]:
    return dict(zip(UNSUR_CODES, values, strict=True)) if values is not None else dict.fromkeys(UNSUR_CODES)


_HUNDREDTH = Decimal("0.01")


def _interval(bounds: tuple[float, float] | None) -> list[float] | None:
    # The bounds are floats: rounded from their shortest decimal form, as they print.
    if bounds is None:
        return None
    return [float(Decimal(repr(b)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)) for b in bounds]


def _figures(
    unsur: tuple[Fraction, ...] | None, ikm: Fraction | None, kategori: skm.Kategori | None
) -> dict[str, Any]:
    return _rounded_figures(tuple(_number(v) for v in unsur) if unsur is not None else None, _number(ikm), kategori)


def _rounded_figures(
    unsur: tuple[float, ...] | None, ikm: float | None, kategori: skm.Kategori | None
) -> dict[str, Any]:
    return {
        "unsur": _rounded_unsur(unsur),
        "ikm": ikm,
        "category": kategori.label if kategori else None,
        "grade": kategori.grade if kategori else None,
    }


def report_data(*, period: Period, unit: Unit | None = None, live: bool = False) -> dict[str, Any]:
    """City-wide (or one unit's) report as plain data, numbers rounded half-up to 2 decimals.

    A locked period's city-wide report is the snapshot stored when it was locked (unless
    `live`): published figures do not move.
    """
    if unit is None and not live and period.is_locked:
        snapshot = PeriodSnapshot.objects.filter(period=period).only("data").first()
        if snapshot is not None:
            return snapshot.data
    units = [unit] if unit is not None else None
    results = unit_results(period=period, units=units)
    city = city_result(results)
    chosen = prioritas_by_unit(period=period, units=units)
    realisasi = realisasi_by_unit(rencana_period=previous_period(period), units=units)
    flags = period_flags(period=period, results=results)
    # A unit's own report rolls up its children when it has some; the city report every parent.
    rollup_rows = rollups(period=period, parent=unit) if unit is not None else rollups(period=period, results=results)
    return {
        "period": period.kode,
        "units": [
            {
                "code": r.kode,
                "name": r.nama,
                "respondents": r.respondents,
                **_rounded_figures(r.unsur_rounded, r.ikm_rounded, r.kategori),
                "collection_period": r.collection_period,
                "method": r.metode,
                # Respondents per channel (every channel, 0 when none), counted as they are stored.
                "channels": {value: r.channels.get(value, 0) for value in CHANNELS},
                # What the unit chose; until it chooses, the portal's proposal (the three lowest).
                "priorities": [p.unsur.kode for p in chosen[r.unit_id]]
                if r.unit_id in chosen
                else list(r.proposed_prioritas),
                "priorities_confirmed": r.unit_id in chosen,
                "realization": _number(realisasi.get(r.unit_id)),
                "ikm_ci95": _interval(r.ikm_ci95),
                "min_sample": r.minimum_sample,
                "sample_ok": r.sample_reached,
                "flags": [flag.code for flag in flags.get(r.unit_id, [])],
            }
            for r in results
        ],
        "overall": {
            **_figures(city.unsur, city.ikm, city.kategori),
            "units": city.units,
            "respondents": city.respondents,
            "realization": _number(city_realisasi(realisasi)),
            "ikm_ci95": _interval(city.ikm_ci95),
        },
        "rollups": [
            {
                "code": rollup.kode,
                "name": rollup.nama,
                **_figures(rollup.result.unsur, rollup.result.ikm, rollup.result.kategori),
                "units": rollup.result.units,
                "respondents": rollup.result.respondents,
                "ikm_ci95": _interval(rollup.result.ikm_ci95),
                "method": ROLLUP_METHOD,
            }
            for rollup in rollup_rows
        ],
        "demographics": {
            name: [{"label": row.label, "count": row.count, "percent": _number(row.percent, 1)} for row in rows]
            for name, rows in demographics(period=period, units=units).items()
        },
    }
