"""Every unit's SKM figures for a period and the city row, from the units' tallies (written with the
responses, surveys.models.UnitTally): one row per unit, however many responses.

A unit's exact figures (Fractions) are computed when asked for; what a report or a dashboard of
thousands of units prints (rounded values, categories, intervals) comes from integer arithmetic
on the same sums, with the same results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from functools import cached_property
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reports import skm, stats
from reports.tanggal import collection_window
from surveys.models import ANSWER_COUNT_FIELDS, UNSUR_FIELDS, KeyedTally, Period, Response, UnitPeriod, UnitTally
from units.models import Unit

UNSUR_CODES = tuple(f.upper() for f in UNSUR_FIELDS)
# The IKM on the 25..100 scale is (sum of the nine answer sums) x 25 / (9 x respondents).
_IKM_FACTOR = Fraction(skm.SCALE, skm.UNSUR_COUNT)


CHANNELS = tuple(Response.Channel.values)  # once: the enum builds the list on every access
# The report's names of the ways a questionnaire is answered, by channel. An imported file says
# nothing of how it was collected: its rows count under the unit's declared method.
CHANNEL_METHODS = {
    Response.Channel.ONLINE: "Kuesioner Online",
    Response.Channel.KIOSK: "Kuesioner Elektronik (loket)",
    Response.Channel.PAPER: "Kuesioner Manual",
}


def method_counts(channels: dict[str, int], declared: str) -> dict[str, int]:
    """Respondents by the report's name of the way they answered (CHANNEL_METHODS), from their
    counts by channel; `declared`: the unit's method, for the channels that do not say."""
    counted: dict[str, int] = {}
    for channel, n in channels.items():
        label = CHANNEL_METHODS.get(channel, declared)
        counted[label] = counted.get(label, 0) + n
    return counted


def methods_text(counted: dict[str, int]) -> str:
    """The ways respondents answered, each with its share (rounded half up) when more than one:
    "Kuesioner Online 60 %, Kuesioner Elektronik (loket) 40 %"; "" for none."""
    counted = {label: n for label, n in counted.items() if n}
    if len(counted) <= 1:
        return next(iter(counted), "")
    total = sum(counted.values())
    return ", ".join(f"{label} {(200 * n + total) // (2 * total)} %" for label, n in counted.items())


def city_methods(results: Iterable[UnitResult]) -> str:
    """methods_text of every unit's respondents together (a dashboard's line)."""
    counted: dict[str, int] = {}
    for result in results:
        for label, n in result.method_counts.items():
            counted[label] = counted.get(label, 0) + n
    return methods_text(counted)


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
    # Respondents per answer 1..4 of each unsur, u1_1 .. u9_4 (read only when asked for).
    counts: tuple[int, ...] | None = None
    induk_id: int | None = None
    # What the data-quality flags read (reports.selectors.flags): see surveys.models.UnitTally.
    duplicates: int = 0
    first_duplicate_at: datetime | None = None
    pattern_candidate: str = ""
    pattern_lead: int = 0
    # Respondents per channel (surveys.models.Response.Channel values, those with some).
    channels: dict[str, int] = field(default_factory=dict, compare=False)

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

    @property
    def answer_counts(self) -> dict[str, list[int]] | None:
        """Respondents per answer 1..4, by unsur code (U1..U9); None unless read (unit_results' counts)."""
        if self.counts is None:
            return None
        return {code: list(self.counts[4 * k : 4 * k + 4]) for k, code in enumerate(UNSUR_CODES)}

    @cached_property
    def unsur(self) -> tuple[Fraction, ...] | None:
        if not self.respondents:
            return None
        return tuple(skm.unsur_value(s, self.respondents) for s in self.answer_sums)

    @cached_property
    def ikm(self) -> Fraction | None:
        return skm.ikm(self.answer_sums, self.respondents) if self.respondents else None

    @property
    def unsur_rounded(self) -> tuple[float, ...] | None:
        """The nine unsur values as the report prints them (half-up, 2 places), without Fractions."""
        if not self.respondents:
            return None
        return skm.unsur_values_rounded(self.answer_sums, self.respondents)

    @property
    def ikm_rounded(self) -> float | None:
        if not self.respondents:
            return None
        return skm.scaled_half_up(sum(self.answer_sums) * skm.SCALE, self.respondents * skm.UNSUR_COUNT) / 100

    @cached_property
    def kategori(self) -> skm.Kategori | None:
        if not self.respondents:
            return None
        # skm.kategori(self.ikm) compared in integers: IKM >= bound <=> total x 25 x bound's
        # denominator >= bound's numerator x 9 x respondents.
        total = sum(self.answer_sums) * _IKM_FACTOR.numerator
        below = self.respondents * _IKM_FACTOR.denominator
        for row in skm.KATEGORI_TABLE:
            bound = row.lower_bound
            if total * bound.denominator >= bound.numerator * below:
                return row
        return skm.kategori(self.ikm)  # below the scale: its error

    @property
    def proposed_prioritas(self) -> tuple[str, ...]:
        """The three lowest unsur, the portal's proposal of priority elements (the same respondents
        divide every sum, so the sums rank them)."""
        if not self.respondents:
            return ()
        ranked = sorted(zip(self.answer_sums, UNSUR_CODES, strict=True))
        return tuple(code for _value, code in ranked[:3])

    @property
    def method_counts(self) -> dict[str, int]:
        return method_counts(self.channels, self.metode)

    @property
    def metode_mix(self) -> str:
        """The report's "Metode SKM": the ways the responses came in, from the data (methods_text);
        the unit's declared method while nothing is counted."""
        return methods_text(self.method_counts) or self.metode

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


def unit_results(*, period: Period, units: Iterable[Unit] | None = None, counts: bool = False) -> list[UnitResult]:
    """Every unit's figures for the period, from its tally, in one query.

    Without `units`: all active units, and any inactive unit that has responses in the period, by
    code; with them, in their order. `counts`: also read how many gave each answer (answer_counts).
    """
    units = list(units) if units is not None else None
    return results_by_period(periods=[period], units=units, counts=counts)[period.pk]


def results_by_period(
    *,
    periods: Sequence[Period],
    units: Sequence[Unit] | None = None,
    children_of: Unit | None = None,
    counts: bool = False,
) -> dict[int, list[UnitResult]]:
    """unit_results of several periods (by period id) in one query: units, tallies and declared
    settings joined. `children_of`: its child units too (after `units`, by code)."""
    if not periods:
        return {}
    columns, sql, params = _results_query(
        periods=[p.pk for p in periods],
        unit_ids=None if units is None else [u.pk for u in units],
        children_of=children_of.pk if children_of is not None else None,
        counts=counts,
    )
    found: dict[int, list[UnitResult]] = {p.pk: [] for p in periods}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            found[row[0]].append(_result(dict(zip(columns, row, strict=True))))
    if units is not None:
        order = {u.pk: position for position, u in enumerate(units)}
        for results in found.values():
            results.sort(key=lambda r: order.get(r.unit_id, len(order)))  # stable: children stay by code
    return found


_TALLY_COLUMNS = (
    "respondents", "answer_square_sum", "first_filled_at", "last_filled_at", "duplicates", "first_duplicate_at",
    "pattern_candidate", "pattern_lead",
)  # fmt: skip


def _results_query(
    *, periods: list[int], unit_ids: list[int] | None, children_of: int | None, counts: bool
) -> tuple[list[str], str, list[Any]]:
    """Units x periods, with the tally (respondents > 0) and the declared settings of each, if any.
    The nine answer sums are added up by the database from the answer counts."""
    quote = connection.ops.quote_name
    sums = [" + ".join(f"{answer} * t.{quote(f'{name}_{answer}')}" for answer in range(1, 5)) for name in UNSUR_FIELDS]
    selected = {
        "period_id": "p.id", "unit_id": "u.id", "kode": "u.kode", "nama": "u.nama", "induk_id": "u.induk_id",
        "populasi": "s.populasi", "metode": "s.metode",
        **{name: f"t.{quote(name)}" for name in _TALLY_COLUMNS},
        **{f"sum_{name}": total for name, total in zip(UNSUR_FIELDS, sums, strict=True)},
        **({name: f"t.{quote(name)}" for name in ANSWER_COUNT_FIELDS} if counts else {}),
        **{f"channel_{value}": _channel_count(value) for value in CHANNELS},
    }  # fmt: skip
    in_periods = ", ".join(["%s"] * len(periods))
    params: list[Any] = [*periods]
    if unit_ids is None:
        where = "(u.aktif = %s OR t.id IS NOT NULL)"
        params.append(True)
    else:
        where = f"u.id IN ({', '.join(['%s'] * len(unit_ids))})" if unit_ids else "1 = 0"
        params += unit_ids
        if children_of is not None:
            where = f"({where} OR u.induk_id = %s)"
            params.append(children_of)
    sql = (
        f"SELECT {', '.join(selected.values())} "
        f"FROM {quote(Unit._meta.db_table)} u CROSS JOIN {quote(Period._meta.db_table)} p "
        f"LEFT JOIN {quote(UnitTally._meta.db_table)} t "
        "ON t.period_id = p.id AND t.unit_id = u.id AND t.respondents > 0 "
        f"LEFT JOIN {quote(UnitPeriod._meta.db_table)} s ON s.period_id = p.id AND s.unit_id = u.id "
        f"WHERE p.id IN ({in_periods}) AND {where} ORDER BY u.kode"
    )
    return list(selected), sql, params


def _channel_count(value: str) -> str:
    """The unit's respondents through one channel (its KeyedTally row, found by the unique index);
    the values are the code's own choices, never typed text."""
    table = connection.ops.quote_name(KeyedTally._meta.db_table)
    return (
        f"(SELECT k.count FROM {table} k WHERE k.period_id = p.id AND k.unit_id = u.id "
        f"AND k.kind = '{KeyedTally.Kind.CHANNEL}' AND k.value = '{value}')"
    )


def _moment(value: Any) -> datetime | None:
    """A time read by a raw query: PostgreSQL gives it aware, SQLite naive (or as text) in UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def _result(row: dict[str, Any]) -> UnitResult:
    declared = {
        "unit_id": row["unit_id"], "kode": row["kode"], "nama": row["nama"], "induk_id": row["induk_id"],
        "metode": row["metode"] if row["metode"] is not None else UnitPeriod.DEFAULT_METODE,
        "populasi": row["populasi"],
    }  # fmt: skip
    if not row["respondents"]:
        return UnitResult(**declared, respondents=0, answer_sums=None, first_at=None, last_at=None)
    counts = tuple(row[name] for name in ANSWER_COUNT_FIELDS) if ANSWER_COUNT_FIELDS[0] in row else None
    return UnitResult(
        **declared, respondents=row["respondents"], answer_sums=tuple(row[f"sum_{f}"] for f in UNSUR_FIELDS),
        first_at=_moment(row["first_filled_at"]), last_at=_moment(row["last_filled_at"]),
        square_sum=row["answer_square_sum"], counts=counts, duplicates=row["duplicates"],
        first_duplicate_at=_moment(row["first_duplicate_at"]), pattern_candidate=row["pattern_candidate"],
        pattern_lead=row["pattern_lead"],
        channels={value: row[f"channel_{value}"] for value in CHANNELS if row[f"channel_{value}"]},
    )  # fmt: skip


def city_result(results: Iterable[UnitResult]) -> CityResult:
    """Unweighted mean over units of each unsur value and the IKM; units without responses are left out."""
    counted = [r for r in results if r.respondents]
    if not counted:
        return CityResult(unsur=None, ikm=None, units=0, respondents=0)
    # The mean over units of each unit's unsur value (answer sum x 25 / respondents), exactly.
    unsur = skm.means_of_ratios((tuple(s * skm.SCALE for s in r.answer_sums), r.respondents) for r in counted)
    return CityResult(
        unsur=unsur,
        ikm=skm.mean(unsur),  # the mean over units of their IKM, each the mean of its unsur values
        units=len(counted),
        respondents=sum(r.respondents for r in counted),
        ikm_ci95=stats.interval(stats.city_estimate(r.estimate for r in counted)),
    )


def answer_distribution(result: UnitResult) -> dict[str, list[int]]:
    """How many respondents gave each answer 1..4 to each unsur (zeros without responses)."""
    return result.answer_counts or {code: [0, 0, 0, 0] for code in UNSUR_CODES}
