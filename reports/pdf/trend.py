"""BAB IV: the city IKM across periods and the sentence that describes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from itertools import pairwise

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


def trend_shape(points: list[TrendPoint]) -> str | None:
    """ "mengalami fluktuasi dari 2018 hingga 2023-S2" (None with fewer than two points)."""
    if len(points) < 2:
        return None
    values = [Fraction(p.ikm) for p in points]
    if all(b >= a for a, b in pairwise(values)):
        shape = "terus meningkat"
    elif all(b <= a for a, b in pairwise(values)):
        shape = "terus menurun"
    else:
        shape = "mengalami fluktuasi"
    return f"{shape} dari {points[0].label} hingga {points[-1].label}"


def trend_sentence(points: list[TrendPoint], kota: str) -> str:
    shape = trend_shape(points)
    if shape is None:
        return (
            f"Grafik tren akan menampilkan perkembangan nilai IKM Pemerintah {kota} setelah tersedia data lebih "
            "dari satu periode."
        )
    values = [Fraction(p.ikm) for p in points]
    change = values[-1] - values[-2]
    if change > 0:
        last_step = f"naik {fmt(change)} poin dibandingkan periode {points[-2].label}"
    elif change < 0:
        last_step = f"turun {fmt(-change)} poin dibandingkan periode {points[-2].label}"
    else:
        last_step = f"sama dengan periode {points[-2].label}"
    return (
        f"Berdasarkan grafik di atas dapat disimpulkan bahwa kinerja penyelenggaraan pelayanan publik di lingkup "
        f"Pemerintah {kota} {shape}, dengan nilai IKM antara {fmt(min(values))} dan {fmt(max(values))}; nilai "
        f"periode {points[-1].label} ({fmt(values[-1])}) {last_step}."
    )
