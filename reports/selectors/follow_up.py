"""The follow-up of a period: each unit's prioritas with their tindak lanjut, and the realisasi of a plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

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


def realisasi_by_unit(*, plan_period: Period | None, units: Iterable[Unit] | None = None) -> dict[int, Fraction]:
    """Each unit's realisasi of a period's plan: the mean progress of its actions (none recorded: 0 %)."""
    if plan_period is None:
        return {}
    actions = TindakLanjut.objects.filter(prioritas__period=plan_period)
    if units is not None:
        actions = actions.filter(prioritas__unit__in=list(units))
    rows = actions.values("prioritas__unit_id").order_by().annotate(n=Count("id"), total=Sum(Coalesce("progres", 0)))
    return {row["prioritas__unit_id"]: Fraction(row["total"], row["n"]) for row in rows}


@dataclass(frozen=True)
class Followup:
    """What the public follow-up page of a unit and a locked period shows."""

    result: UnitResult
    prioritas: list[PrioritasUnsur]  # the priorities chosen for the period, with their actions
    realisasi: Fraction | None  # mean progress of those actions, recorded during the next period

    @property
    def actions(self) -> int:
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


def followup(*, unit: Unit, period: Period) -> Followup:
    (result,) = unit_results(period=period, units=[unit])
    return Followup(
        result=result,
        prioritas=prioritas_by_unit(period=period, units=[unit]).get(unit.pk, []),
        realisasi=realisasi_by_unit(plan_period=period, units=[unit]).get(unit.pk),
    )
