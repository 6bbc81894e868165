"""The follow-up of a period: each unit's prioritas with their tindak lanjut, and the realisasi of a plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from reports import skm
from reports.models import PrioritasUnsur, TindakLanjut
from reports.selectors.results import UNSUR_CODES, UnitResult, unit_results
from surveys.models import Period
from units.models import Unit


def prioritas_by_unit(*, period: Period, units: Iterable[Unit] | None = None) -> dict[int, list[PrioritasUnsur]]:
    """Each unit's chosen priority elements (in order) with their follow-up actions."""
    chosen = PrioritasUnsur.objects.filter(period=period).select_related("unsur").prefetch_related("tindak_lanjut")
    if units is not None:
        chosen = chosen.filter(unit__in=list(units))
    result: dict[int, list] = {}
    for prioritas in chosen.order_by("unit_id", "urutan"):
        result.setdefault(prioritas.unit_id, []).append(prioritas)
    return result


def prioritas_of_unit(*, unit: Unit, periods: Iterable[Period]) -> dict[int, list[PrioritasUnsur]]:
    """The unit's chosen priority elements of each period (by period id) with their actions."""
    chosen = (
        PrioritasUnsur.objects.filter(unit=unit, period__in=list(periods))
        .select_related("unsur")
        .prefetch_related("tindak_lanjut")
    )
    result: dict[int, list] = {}
    for prioritas in chosen.order_by("period_id", "urutan"):
        result.setdefault(prioritas.period_id, []).append(prioritas)
    return result


def realisasi_of(prioritas: Iterable[PrioritasUnsur]) -> Fraction | None:
    """realisasi_by_unit of one unit's plan, from its priorities with their prefetched actions."""
    progress = [action.progres or 0 for p in prioritas for action in p.tindak_lanjut.all()]
    return Fraction(sum(progress), len(progress)) if progress else None


def tindak_lanjut_overdue(action: TindakLanjut, today: date) -> bool:
    """An action is late (terlambat) once its target date is past and its progress is below 100 %
    (none reported counts as 0 %): then "not reported yet" would hide that it is late."""
    return action.target < today and (action.progres or 0) < 100


def overdue_by_unit(*, rencana_period: Period | None, today: date) -> dict[int, int]:
    """How many of each unit's actions of a period's plan are late (tindak_lanjut_overdue), by unit id."""
    if rencana_period is None:
        return {}
    rows = (
        TindakLanjut.objects.filter(prioritas__period=rencana_period, target__lt=today)
        .filter(Q(progres__isnull=True) | Q(progres__lt=100))
        .values("prioritas__unit_id")
        .order_by()
        .annotate(n=Count("id"))
    )
    return {row["prioritas__unit_id"]: row["n"] for row in rows}


def realisasi_by_unit(*, rencana_period: Period | None, units: Iterable[Unit] | None = None) -> dict[int, Fraction]:
    """Each unit's realisasi of a period's plan: the mean progress of its actions (none recorded: 0 %)."""
    if rencana_period is None:
        return {}
    tindak_lanjut = TindakLanjut.objects.filter(prioritas__period=rencana_period)
    if units is not None:
        tindak_lanjut = tindak_lanjut.filter(prioritas__unit__in=list(units))
    rows = (
        tindak_lanjut.values("prioritas__unit_id")
        .order_by()
        .annotate(n=Count("id"), total=Sum(Coalesce("progres", 0)))
    )
    return {row["prioritas__unit_id"]: Fraction(row["total"], row["n"]) for row in rows}


def city_realisasi(by_unit: dict[int, Fraction]) -> Fraction | None:
    """The city's realisasi: the unweighted mean over the units with a plan (the city row's rule)."""
    return skm.mean(by_unit.values()) if by_unit else None


@dataclass(frozen=True)
class RencanaPublik:
    """What the public follow-up page of a unit and a locked period shows."""

    result: UnitResult
    prioritas: list[PrioritasUnsur]  # the priorities chosen for the period, with their actions
    realisasi: Fraction | None  # mean progress of those actions, recorded during the next period

    @property
    def tindak_lanjut_count(self) -> int:
        return sum(len(p.tindak_lanjut.all()) for p in self.prioritas)

    @property
    def reported(self) -> bool:
        """Whether any action's progress has been reported (before that, 0 % would mislead)."""
        return any(a.progres is not None for p in self.prioritas for a in p.tindak_lanjut.all())

    @property
    def prioritas_with_values(self) -> list[tuple[Any, Fraction | None]]:
        """Each priority with its unsur's value: why it was chosen."""
        values = dict(zip(UNSUR_CODES, self.result.unsur or (), strict=False))
        return [(p, values.get(p.unsur.kode)) for p in self.prioritas]


def rencana_publik(*, unit: Unit, period: Period) -> RencanaPublik:
    (result,) = unit_results(period=period, units=[unit])
    prioritas = prioritas_by_unit(period=period, units=[unit]).get(unit.pk, [])
    return RencanaPublik(result=result, prioritas=prioritas, realisasi=realisasi_of(prioritas))
