"""Reads of the report domain: every unit's SKM figures for a period, computed in the database."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import datetime
from fractions import Fraction
from typing import Any, Iterable

from django.db.models import Case, CharField, Count, Exists, F, Max, Min, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from surveys.models import UNSUR_FIELDS, Pekerjaan, Pendidikan, Period, Response, Sex, filled_at
from units.models import Unit, UnitPeriod

from . import skm, stats

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
         "Agustus", "September", "Oktober", "November", "Desember")
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
            answer_total=sum(self.answer_sums), square_total=self.square_sum,
            respondents=self.respondents, population=self.populasi or None,
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
    def proposed_priorities(self) -> tuple[str, ...]:
        """The three lowest unsur, the portal's proposal of priority elements."""
        values = self.unsur
        if values is None:
            return ()
        ranked = sorted(zip(values, UNSUR_CODES), key=lambda pair: pair[0])
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


@dataclass(frozen=True)
class DemographicRow:
    label: str
    count: int
    percent: Fraction  # of all respondents, unrounded


def collection_window(first: datetime, last: datetime, separator: str = " - ") -> str:
    """The span of response dates as the report prints it: "Juli - Oktober 2023"
    (or "Juli sampai dengan Oktober 2023" with another separator)."""
    first, last = timezone.localtime(first), timezone.localtime(last)
    if (first.year, first.month) == (last.year, last.month):
        return f"{BULAN[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"{BULAN[first.month - 1]}{separator}{BULAN[last.month - 1]} {last.year}"
    return f"{BULAN[first.month - 1]} {first.year}{separator}{BULAN[last.month - 1]} {last.year}"


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
        rows.append(Rollup(unit_id=unit.pk, kode=unit.kode, nama=unit.nama, result=city_result(members),
                           children=len(children_of[unit.pk]), members=members))
    return rows


AGE_BUCKETS = (("< 20", None, 19), ("20-29", 20, 29), ("30-39", 30, 39), ("40-49", 40, 49), (">= 50", 50, None))


def age_bucket(umur: int) -> str:
    """The report's age band of an age."""
    return next(label for label, low, high in AGE_BUCKETS if (low is None or umur >= low) and (high is None or umur <= high))


def demographics(*, period: Period, units: Iterable[Unit] | None = None) -> dict[str, list[DemographicRow]]:
    """Respondents by age bucket, sex, education and occupation, in the report's order."""
    responses = Response.objects.filter(period=period)
    if units is not None:
        responses = responses.filter(unit__in=list(units))
    age_bucket = Case(
        *[
            When(Q(**({"umur__gte": low} if low is not None else {})) & Q(**({"umur__lte": high} if high is not None else {})), then=Value(label))
            for label, low, high in AGE_BUCKETS
        ],
        output_field=CharField(),
    )
    counts = {
        "umur": _counts(responses.annotate(bucket=age_bucket), "bucket"),
        "jenis_kelamin": _counts(responses, "jenis_kelamin"),
        "pendidikan": _counts(responses, "pendidikan"),
        "pekerjaan": _counts(responses, "pekerjaan"),
    }
    labels = {
        "umur": [(label, label) for label, _low, _high in AGE_BUCKETS],
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


def previous_period(period: Period) -> Period | None:
    return Period.objects.filter(tanggal_mulai__lt=period.tanggal_mulai).order_by("-tanggal_mulai").first()


def next_period(period: Period) -> Period | None:
    return Period.objects.filter(tanggal_mulai__gt=period.tanggal_mulai).order_by("tanggal_mulai").first()


def answer_distribution(*, period: Period, unit: Unit) -> dict[str, list[int]]:
    """How many respondents gave each answer 1..4 to each unsur: one query."""
    counts = Response.objects.filter(period=period, unit=unit).aggregate(
        **{f"{f}_{value}": Count("id", filter=Q(**{f: value})) for f in UNSUR_FIELDS for value in range(1, 5)}
    )
    return {f.upper(): [counts[f"{f}_{value}"] for value in range(1, 5)] for f in UNSUR_FIELDS}


def priorities_by_unit(*, period: Period, units: Iterable[Unit] | None = None) -> dict[int, list]:
    """Each unit's chosen priority elements (in order) with their follow-up actions."""
    from .models import PrioritasUnsur

    chosen = PrioritasUnsur.objects.filter(period=period).select_related("unsur").prefetch_related("tindak_lanjut")
    if units is not None:
        chosen = chosen.filter(unit__in=list(units))
    result: dict[int, list] = {}
    for prioritas in chosen.order_by("unit_id", "urutan"):
        result.setdefault(prioritas.unit_id, []).append(prioritas)
    return result


def realization_by_unit(*, plan_period: Period | None, units: Iterable[Unit] | None = None) -> dict[int, Fraction]:
    """Each unit's realization of a period's plan: the mean progress of its actions (none recorded: 0 %)."""
    from .models import TindakLanjut

    if plan_period is None:
        return {}
    actions = TindakLanjut.objects.filter(prioritas__period=plan_period)
    if units is not None:
        actions = actions.filter(prioritas__unit__in=list(units))
    rows = actions.values("prioritas__unit_id").order_by().annotate(n=Count("id"), total=Sum(Coalesce("progres", 0)))
    return {row["prioritas__unit_id"]: Fraction(row["total"], row["n"]) for row in rows}


SUGGESTIONS_SHOWN = 100


@dataclass(frozen=True)
class UnitDashboard:
    result: UnitResult
    previous: UnitResult | None
    previous_period: Period | None
    distribution: dict[str, list[int]]
    demographics: dict[str, list[DemographicRow]]
    prioritas: list  # chosen priority elements with their actions
    previous_plan: list  # the previous period's priorities and actions, whose realization is recorded now
    realization: Fraction | None
    suggestions: list[Response]
    suggestions_total: int
    flags: list  # reports.quality.Flag, with their reviews
    rollup: Rollup | None  # when the unit has children

    @property
    def ikm_change(self) -> Fraction | None:
        if self.previous is None or self.previous.ikm is None or self.result.ikm is None:
            return None
        return self.result.ikm - self.previous.ikm


def unit_dashboard(*, unit: Unit, period: Period, saran_query: str = "") -> UnitDashboard:
    from .quality import unit_flags

    (result,) = unit_results(period=period, units=[unit])
    before = previous_period(period)
    previous = unit_results(period=before, units=[unit])[0] if before else None
    suggestions = Response.objects.filter(period=period, unit=unit).exclude(saran="")
    if saran_query:
        suggestions = suggestions.filter(saran__icontains=saran_query)
    return UnitDashboard(
        result=result,
        previous=previous,
        previous_period=before,
        distribution=answer_distribution(period=period, unit=unit),
        demographics=demographics(period=period, units=[unit]),
        prioritas=priorities_by_unit(period=period, units=[unit]).get(unit.pk, []),
        previous_plan=priorities_by_unit(period=before, units=[unit]).get(unit.pk, []) if before else [],
        realization=realization_by_unit(plan_period=before, units=[unit]).get(unit.pk),
        suggestions=list(suggestions.order_by("-submitted_at", "-pk")[:SUGGESTIONS_SHOWN]),
        suggestions_total=suggestions.count(),
        flags=unit_flags(period=period, result=result),
        rollup=next(iter(rollups(period=period, parent=unit)), None),
    )


@dataclass(frozen=True)
class CityRow:
    result: UnitResult
    priorities: int
    actions: int
    realization: Fraction | None
    flags: list  # reports.quality.Flag, with their reviews

    @property
    def open_flags(self) -> int:
        return sum(1 for flag in self.flags if not flag.reviewed)


def city_dashboard(*, period: Period) -> tuple[list[CityRow], CityResult, Fraction | None]:
    """Every unit of the period with its follow-up state and flags, the city row and the city realization."""
    from .quality import period_flags

    results = unit_results(period=period)
    flags = period_flags(period=period, results=results)
    chosen = priorities_by_unit(period=period)
    realization = realization_by_unit(plan_period=previous_period(period))
    rows = [
        CityRow(
            result=r,
            priorities=len(chosen.get(r.unit_id, [])),
            actions=sum(len(p.tindak_lanjut.all()) for p in chosen.get(r.unit_id, [])),
            realization=realization.get(r.unit_id),
            flags=flags.get(r.unit_id, []),
        )
        for r in results
    ]
    city_realization = skm.mean(realization.values()) if realization else None
    return rows, city_result(results), city_realization


@dataclass(frozen=True)
class Followup:
    """What the public follow-up page of a unit and a locked period shows."""

    result: UnitResult
    prioritas: list  # the priorities chosen for the period, with their actions
    realization: Fraction | None  # mean progress of those actions, recorded during the next period

    @property
    def actions(self) -> int:
        return sum(len(p.tindak_lanjut.all()) for p in self.prioritas)

    @property
    def reported(self) -> bool:
        """Whether any action's progress has been reported (before that, 0 % would mislead)."""
        return any(a.progres is not None for p in self.prioritas for a in p.tindak_lanjut.all())

    @property
    def priorities_with_values(self) -> list[tuple[Any, Fraction | None]]:
        """Each priority with its unsur's value: why it was chosen."""
        values = dict(zip(UNSUR_CODES, self.result.unsur or ()))
        return [(p, values.get(p.unsur.kode)) for p in self.prioritas]


def followup(*, unit: Unit, period: Period) -> Followup:
    (result,) = unit_results(period=period, units=[unit])
    return Followup(
        result=result,
        prioritas=priorities_by_unit(period=period, units=[unit]).get(unit.pk, []),
        realization=realization_by_unit(plan_period=period, units=[unit]).get(unit.pk),
    )


def latest_followup_period(unit: Unit) -> Period | None:
    """The latest locked period in which the unit has responses: what its thank-you page links to."""
    answered = Response.objects.filter(period=OuterRef("pk"), unit=unit)
    return Period.objects.filter(Exists(answered), status=Period.Status.LOCKED).order_by("-tanggal_mulai").first()


@dataclass(frozen=True)
class Verification:
    """A locked period's stored responses checked against the fingerprint taken when it was locked."""

    expected_sha256: str
    actual_sha256: str
    expected_rows: int
    actual_rows: int
    differing_units: list[str]  # codes of the units whose responses changed, were added or removed

    @property
    def ok(self) -> bool:
        return self.expected_sha256 == self.actual_sha256


def period_verify(period: Period) -> Verification | None:
    """Recompute the canonical CSV from the stored responses; None when the period has no snapshot."""
    import os

    from .models import PeriodSnapshot
    from .services import canonical_csv_write

    snapshot = PeriodSnapshot.objects.filter(period=period).first()
    if snapshot is None:
        return None
    with open(os.devnull, "wb") as sink:
        actual, units, rows = canonical_csv_write(period=period, output=sink)
    expected_units = snapshot.unit_sha256
    differing = sorted(kode for kode in set(units) | set(expected_units) if units.get(kode) != expected_units.get(kode))
    return Verification(snapshot.csv_sha256, actual, snapshot.rows, rows, differing)
