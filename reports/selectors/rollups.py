"""Rollups: a unit with children (a Kecamatan and its Kelurahan) summed up by the city row's rule."""

from __future__ import annotations

from dataclasses import dataclass

from reports.selectors.results import CityResult, UnitResult, city_result, unit_results
from surveys.models import Period
from units.models import Unit


@dataclass(frozen=True)
class Rollup:
    """A unit with children (a Kecamatan and its Kelurahan): the unweighted mean over its
    children with responses, the city row's rule. The parent's own responses are not in it."""

    unit_id: int
    kode: str
    nama: str
    result: CityResult
    children: int  # all children, with or without responses
    members: tuple[UnitResult, ...]  # the children with responses, by code


def rollups(*, period: Period, results: list[UnitResult] | None = None, parent: Unit | None = None) -> list[Rollup]:
    """The rollup row of every unit with children (or of `parent` only), from `results` when given."""
    links = Unit.objects.filter(induk__isnull=False)
    if parent is not None:
        links = links.filter(induk=parent)
    children_of: dict[int, list[int]] = {}
    for child_id, parent_id in links.order_by("kode").values_list("pk", "induk_id"):
        children_of.setdefault(parent_id, []).append(child_id)
    if not children_of:
        return []
    if results is None:
        results = unit_results(period=period, units=Unit.objects.filter(induk_id__in=list(children_of)))
    by_id = {r.unit_id: r for r in results if r.respondents}
    rows = []
    for unit in Unit.objects.filter(pk__in=list(children_of)).order_by("kode"):
        members = tuple(by_id[child] for child in children_of[unit.pk] if child in by_id)
        rows.append(_rollup(unit, members, children=len(children_of[unit.pk])))
    return rows


def rollup_of(*, unit: Unit, children: list[UnitResult]) -> Rollup:
    """The rollup of `unit` from the results of all its children (with or without responses), by code."""
    return _rollup(unit, tuple(r for r in children if r.respondents), children=len(children))


def _rollup(unit: Unit, members: tuple[UnitResult, ...], children: int) -> Rollup:
    result = city_result(members)
    return Rollup(unit_id=unit.pk, kode=unit.kode, nama=unit.nama, result=result, children=children, members=members)
