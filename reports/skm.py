"""The SKM formulas of Permenpan RB 14/2017, as the city report applies them.

Read next to ``shared/docs/skm-method.md``. Everything here is pure: values are exact
``Fraction`` objects computed from integer answer sums, so no rounding happens until a
value is displayed (``round_half_up``), and categories are decided on unrounded values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

UNSUR_COUNT = 9
SCALE = 25  # answers 1..4 become 25..100


@dataclass(frozen=True)
class Kategori:
    grade: str  # "mutu pelayanan": A, B, C, D
    label: str  # "kinerja unit pelayanan"
    lower_bound: Fraction  # lowest IKM (25..100 scale) of the interval


# The interval table of the regulation, highest first, on the 25..100 scale
# (1,00-2,5996 D; 2,60-3,064 C; 3,0644-3,532 B; 3,5324-4,00 A on the 1..4 scale).
# A value belongs to the first interval whose lower bound it reaches, so 88,30 is B
# and 88,31 is A, as in the city report (88,29 Baik, 88,32 Sangat Baik).
KATEGORI_TABLE: tuple[Kategori, ...] = (
    Kategori("A", "Sangat Baik", Fraction("88.31")),
    Kategori("B", "Baik", Fraction("76.61")),
    Kategori("C", "Kurang Baik", Fraction("65.00")),
    Kategori("D", "Tidak Baik", Fraction("25.00")),
)


def unsur_value(answer_sum: int, respondents: int) -> Fraction:
    """Value of one unsur on the 25..100 scale: mean answer x 25."""
    if respondents <= 0:
        raise ValueError("an unsur value needs at least one respondent")
    return Fraction(answer_sum * SCALE, respondents)


def ikm(answer_sums: Sequence[int], respondents: int) -> Fraction:
    """IKM of a unit: the nine unsur values weighted exactly 1/9 each.

    The regulation's worked example rounds the weight to 0,111; the city report does not.
    """
    if len(answer_sums) != UNSUR_COUNT:
        raise ValueError(f"expected {UNSUR_COUNT} answer sums, got {len(answer_sums)}")
    return mean(unsur_value(s, respondents) for s in answer_sums)


def mean(values: Iterable[Fraction]) -> Fraction:
    """Plain, unweighted mean (the city row is the mean over units, not respondents)."""
    items = list(values)
    if not items:
        raise ValueError("the mean of nothing is undefined")
    return sum(items, Fraction(0)) / len(items)


def kategori(value: Fraction) -> Kategori:
    """Category and grade of an IKM (or unsur value), from its unrounded value."""
    for row in KATEGORI_TABLE:
        if value >= row.lower_bound:
            return row
    raise ValueError(f"IKM {float(value):.4f} is below the scale's minimum of 25")


def means_of_ratios(rows: Iterable[tuple[Sequence[int], int]]) -> tuple[Fraction, ...] | None:
    """Exact unweighted means of ratios, column by column: of rows (numerators, denominator), the
    mean over rows of numerators[k] / denominator for each k (None without rows).

    The same values as skm.mean over Fractions, summed over one common denominator instead (rows
    that share a denominator first): thousands of units cost one Fraction per column."""
    by_denominator: dict[int, list[int]] = {}
    count = 0
    for numerators, denominator in rows:
        count += 1
        sums = by_denominator.get(denominator)
        if sums is None:
            by_denominator[denominator] = list(numerators)
        else:
            for k, value in enumerate(numerators):
                sums[k] += value
    if not count:
        return None
    common = math.lcm(*by_denominator)
    totals = [0] * len(next(iter(by_denominator.values())))
    for denominator, sums in by_denominator.items():
        factor = common // denominator
        for k, value in enumerate(sums):
            totals[k] += value * factor
    return tuple(Fraction(total, common * count) for total in totals)


def scaled_half_up(numerator: int, denominator: int, places: int = 2) -> int:
    """numerator / denominator x 10**places rounded half away from zero, exactly (denominator > 0):
    the digits round_half_up shows, as an integer (8989 for 89,89)."""
    magnitude = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    return -magnitude if numerator < 0 else magnitude


def unsur_values_rounded(answer_sums: Sequence[int], respondents: int) -> tuple[float, ...]:
    """Each unsur value (answer sum x 25 / respondents, respondents > 0) as the report prints it,
    half-up to 2 places, as a float, without a Fraction each."""
    return tuple(scaled_half_up(SCALE * total, respondents) / 100 for total in answer_sums)


def round_half_up(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round for display only: half-up, as the report's spreadsheets do (not banker's)."""
    if isinstance(value, Fraction):
        digits = scaled_half_up(value.numerator, value.denominator, places)
        return Decimal(f"-{-digits}" if value < 0 else str(digits)).scaleb(-places)  # -0,00 stays signed
    quantum = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def rounded_float(value: Fraction | None, places: int = 2) -> float | None:
    """round_half_up as a float (for JSON): the same number, without a Decimal in between."""
    if value is None:
        return None
    return scaled_half_up(value.numerator, value.denominator, places) / 10**places


def angka(value: Fraction | Decimal | float | int, places: int = 2) -> str:
    """A number as the report prints it, whatever the active language: half-up, decimal comma,
    thousands dot (90,69; 14.249). For text built in Python (charts, PDF sentences, flag evidence)."""
    if not isinstance(value, (Fraction, Decimal, int)):  # float, numpy scalars
        value = Fraction(float(value))
    text = f"{round_half_up(value, places):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# Krejcie & Morgan (1970): 95 % confidence (chi-square 3,841 for 1 df), 5 % margin, P = 0,5.
_CHI_SQUARE = Fraction("3.841")
_MARGIN_SQUARED = Fraction("0.0025")
_P_Q = Fraction(1, 4)
# The published table stops at 384, its limit for very large populations, from 100.000 on.
_TABLE_LIMIT_POPULATION = 100_000
_TABLE_LIMIT_SAMPLE = 384


def minimum_sample(population: int) -> int:
    """Minimum number of respondents for a population of service users in a period."""
    if population <= 0:
        raise ValueError("population must be positive")
    if population >= _TABLE_LIMIT_POPULATION:
        return _TABLE_LIMIT_SAMPLE
    s = _CHI_SQUARE * population * _P_Q / (_MARGIN_SQUARED * (population - 1) + _CHI_SQUARE * _P_Q)
    return min(population, int(round_half_up(s, 0)))
