"""BAB IV: the city IKM across periods and the sentence that describes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from reports import skm
from reports.models import HistoricalIkm
from reports.pdf.formatting import fmt
from reports.selectors.results import city_result, unit_results
from surveys.models import Period


@dataclass
class TrendPoint:
    label: str
    ikm: Fraction | float


def city_trend(
    period: Period,
    current_ikm: Fraction | None,
    *,
    history: list[HistoricalIkm] | None = None,
    locked_at: datetime | None = None,
) -> list[TrendPoint]:
    """The city IKM across periods: the historical values from before the portal, then every
    locked portal period before this one (with responses), then this period.

    A locked period's report passes the history kept in its snapshot and the time it was locked,
    so that neither a history value nor a period locked later changes a published report."""
    portal = Period.objects.filter(status=Period.Status.LOCKED, tanggal_mulai__lt=period.tanggal_mulai)
    if locked_at is not None:
        portal = portal.exclude(snapshot__created_at__gt=locked_at)
    portal_points = []
    for earlier in portal.order_by("tanggal_mulai"):
        value = city_result(unit_results(period=earlier)).ikm
        if value is not None:
            portal_points.append(TrendPoint(earlier.kode, value))
    if current_ikm is not None:
        portal_points.append(TrendPoint(period.kode, current_ikm))
    portal_labels = {p.label for p in portal_points}
    if history is None:
        history = list(HistoricalIkm.objects.order_by("urutan"))
    before = [TrendPoint(h.label, Fraction(h.ikm)) for h in history if h.label not in portal_labels]
    return before + portal_points


def _printed(points: list[TrendPoint]) -> list[Decimal]:
    """The values as the report prints them: a change too small to show is no change."""
    return [skm.round_half_up(Fraction(p.ikm)) for p in points]


def trend_shape(points: list[TrendPoint]) -> str | None:
    """ "mengalami fluktuasi dari 2018 hingga 2023-S2" (None with fewer than two points): rising,
    falling, stable or fluctuating, judged on the printed values."""
    if len(points) < 2:
        return None
    steps = [b - a for a, b in pairwise(_printed(points))]
    if all(d == 0 for d in steps):
        shape = "stabil"
    elif all(d >= 0 for d in steps):
        shape = "terus meningkat" if all(d > 0 for d in steps) else "cenderung meningkat"
    elif all(d <= 0 for d in steps):
        shape = "terus menurun" if all(d < 0 for d in steps) else "cenderung menurun"
    else:
        shape = "mengalami fluktuasi"
    return f"{shape} dari {points[0].label} hingga {points[-1].label}"


def trend_sentence(points: list[TrendPoint], kota: str) -> str:
    """BAB IV's sentence, written from the figures: the direction, the first and last values with their
    periods, the lowest and highest, and the last step."""
    if not points:
        return (
            f"Grafik tren akan menampilkan perkembangan nilai IKM Pemerintah {kota} setelah tersedia data lebih "
            "dari satu periode."
        )
    values = _printed(points)
    last = points[-1]
    if len(points) == 1:
        return (
            f"Nilai IKM Pemerintah {kota} periode {last.label} adalah {fmt(values[-1])}; grafik tren akan "
            "menampilkan perkembangannya setelah tersedia data lebih dari satu periode."
        )
    shape = trend_shape(points)
    first = points[0]
    if shape and shape.startswith("stabil"):
        course = f"pada nilai {fmt(values[-1])}"
    else:
        course = f"dari {fmt(values[0])} ({first.label}) menjadi {fmt(values[-1])} ({last.label})"
    lowest = min(range(len(values)), key=lambda i: values[i])
    highest = max(range(len(values)), key=lambda i: values[i])
    extremes = (
        f"; nilai terendah {fmt(values[lowest])} ({points[lowest].label}) dan tertinggi "
        f"{fmt(values[highest])} ({points[highest].label})"
        if len(points) > 2 and values[lowest] != values[highest]
        else ""
    )
    change = values[-1] - values[-2]
    before = points[-2].label
    if change > 0:
        last_step = f"naik {fmt(change)} poin dibandingkan periode {before}"
    elif change < 0:
        last_step = f"turun {fmt(-change)} poin dibandingkan periode {before}"
    else:
        last_step = f"sama dengan periode {before}"
    return (
        f"Berdasarkan grafik di atas dapat disimpulkan bahwa nilai IKM Pemerintah {kota} {shape}, {course}"
        f"{extremes}. Nilai periode {last.label} ({fmt(values[-1])}) {last_step}."
    )
