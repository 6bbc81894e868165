"""The city's semester report as PDF.

It reproduces the structure of the reference report (Laporan Pelaksanaan SKM Kota Pekalongan
Semester II 2023): cover, DAFTAR ISI, KATA PENGANTAR, BAB I, BAB II, BAB III (the unit table on A4
landscape pages and the trend of the city IKM), BAB V and LAMPIRAN. Figures come from
reports.selectors (the exact formulas of reports.skm), the words from the period's FrontMatter (a locked
period's from its snapshot, with the history points of its trend: a published report does not move).
The context is built by the small functions below, one per part of the report; the templates
under templates/reports/pdf/ format the exact numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Q

from reports import charts, skm
from reports.exceptions import SignatureMissing
from reports.models import FrontMatter, PeriodSnapshot, PrioritasUnsur, TindakLanjut
from reports.pdf.formatting import (
    Progress,
    fill,
    fmt,
    lines,
    paragraphs,
    render_indonesian,
    semester_label,
    step,
    svg_data_uri,
)
from reports.pdf.parts import (
    bukti_texts,
    distribution_tables,
    public_unit_realisasi_url,
    public_unit_report_url,
    unsur_chart,
)
from reports.pdf.texts import MANFAAT, SASARAN, TUJUAN
from reports.pdf.trend import city_trend, trend_sentence, trend_shape
from reports.selectors.demographics import demographics
from reports.selectors.quality_notes import quality_notes
from reports.selectors.rencana import city_realisasi, prioritas_by_unit, realisasi_by_unit
from reports.selectors.results import UNSUR_CODES, CityResult, UnitResult, city_result, unit_results
from reports.selectors.saran_tema import PrioritasVsKeluhan, priorities_vs_complaints
from reports.selectors.signing import (
    report_front_matter,
    report_snapshot,
    signature_missing,
    signature_missing_message,
)
from reports.selectors.snapshot_contents import historical_ikm_of_snapshot
from reports.tanggal import collection_window, tanggal_indonesia
from skm_portal.pdf import render_pdf
from surveys.models import Period
from surveys.selectors.periods import previous_period
from surveys.selectors.unsur import unsur_list
from units.models import Unit

UNDATED = "…………………… 20……"
BAIK_LOWER_BOUND = next(k.lower_bound for k in skm.KATEGORI_TABLE if k.grade == "B")


@dataclass
class RencanaItem:
    """A priority element and its numbered actions, as one block of the table."""

    urutan: int
    kode: str
    label: str
    tindak_lanjut: list[str] = field(default_factory=list)


@dataclass
class CityReportRow:
    no: int
    result: UnitResult
    prioritas: list[RencanaItem]
    confirmed: bool  # False: the portal's proposal (the three lowest), not yet chosen by the unit
    realisasi: Fraction | None
    report_url: str  # absolute: the public edition of the unit's report, no login once the period is locked
    realisasi_url: str | None  # absolute: the realization of the unit's previous plan (None without one)
    bukti: list[dict[str, str]]

    @property
    def has_rencana(self) -> bool:
        return self.confirmed and any(p.tindak_lanjut for p in self.prioritas)


def _bukti_by_unit(rencana_period: Period | None, public_edition: bool) -> dict[int, list[dict[str, str]]]:
    """The evidence recorded for each unit's previous plan, in the plan's order (the public edition:
    only what the unit made public)."""
    bukti: dict[int, list[dict[str, str]]] = {}
    if rencana_period is None:
        return bukti
    with_bukti = (
        TindakLanjut.objects.filter(prioritas__period=rencana_period)
        .filter(~Q(bukti_file="") | ~Q(bukti_tautan=""))
        .select_related("prioritas")
        .order_by("prioritas__unit_id", "prioritas__urutan", "nomor")
    )
    for tindak_lanjut in with_bukti:
        texts = bukti_texts(tindak_lanjut, public_edition=public_edition)
        bukti.setdefault(tindak_lanjut.prioritas.unit_id, []).extend(texts)
    return bukti


def _rencana_items(result: UnitResult, chosen: list[PrioritasUnsur], labels: dict[str, str]) -> list[RencanaItem]:
    """The unit's chosen priorities with their actions, or the portal's proposal (the three lowest)."""
    if chosen:
        return [
            RencanaItem(
                n, p.unsur.kode, p.unsur.label_singkat, [f"{a.nomor}. {a.teks}" for a in p.tindak_lanjut.all()]
            )
            for n, p in enumerate(chosen, start=1)
        ]
    return [RencanaItem(n, code, labels.get(code, code)) for n, code in enumerate(result.proposed_prioritas, start=1)]


def _rows(
    period: Period,
    before: Period | None,
    results: list[UnitResult],
    realisasi: dict[int, Fraction],
    labels: dict[str, str],
    public_edition: bool,
) -> list[CityReportRow]:
    """BAB III: one row per unit with responses."""
    chosen = prioritas_by_unit(period=period)
    bukti = _bukti_by_unit(before, public_edition)
    return [
        CityReportRow(
            no=no,
            result=r,
            prioritas=_rencana_items(r, chosen.get(r.unit_id, []), labels),
            confirmed=r.unit_id in chosen,
            realisasi=realisasi.get(r.unit_id),
            report_url=public_unit_report_url(r.kode, period),
            realisasi_url=public_unit_realisasi_url(r.kode, period) if before else None,
            bukti=bukti.get(r.unit_id, []),
        )
        for no, r in enumerate(results, start=1)
    ]


def _windows(results: list[UnitResult]) -> dict[str, str]:
    """The span of the period's responses, in the three ways the report writes it."""
    first_at = min((r.first_at for r in results), default=None)
    last_at = max((r.last_at for r in results), default=None)
    if first_at is None or last_at is None:
        return {"window": "–", "window_long": "–", "window_short": "–"}
    return {
        "window": collection_window(first_at, last_at),
        "window_long": collection_window(first_at, last_at, " sampai dengan "),
        "window_short": collection_window(first_at, last_at, " s.d "),
    }


def _texts(front: FrontMatter, city: CityResult, period: Period) -> dict[str, Any]:
    """The editable words with their placeholders filled from the figures."""
    values = {
        "kota": front.kota,
        "periode": semester_label(period),
        "jumlah_unit": fmt(city.units, 0),
        "jumlah_responden": fmt(city.respondents, 0),
        "ikm": fmt(city.ikm),
        "kategori": city.kategori.label if city.kategori else "–",
        "nomor_surat": front.nomor_surat,
    }
    return {
        "kata_pengantar": paragraphs(fill(front.kata_pengantar, values)),
        "latar_belakang": paragraphs(fill(front.latar_belakang, values)),
        "dasar_hukum": lines(fill(front.dasar_hukum, values)),
        "pengumpulan_data": paragraphs(fill(front.pengumpulan_data, values)),
        "tujuan": fill(TUJUAN, values),
        "sasaran": SASARAN,
        "manfaat": MANFAAT,
        "signature": {
            "tempat": front.tempat,
            # A draft without a date leaves the line to be filled in; a final edition always has one.
            "tanggal": tanggal_indonesia(front.tanggal) if front.tanggal else UNDATED,
            "jabatan": front.penandatangan_jabatan,
            "nama": front.penandatangan_nama,
        },
    }


def _trend(period: Period, city: CityResult, kota: str, frozen: PeriodSnapshot | None) -> dict[str, Any]:
    """BAB IV: the city IKM across periods, its chart and the sentence describing it (a locked
    period's history as kept at locking)."""
    if frozen is None:
        trend = city_trend(period, city.ikm)
    else:
        trend = city_trend(period, city.ikm, history=historical_ikm_of_snapshot(frozen), locked_at=frozen.created_at)
    chart = None
    if trend:
        svg = charts.line_chart_svg(
            [p.label for p in trend], [p.ikm for p in trend], ylabel="IKM", width=10.0, height=2.6
        )
        chart = svg_data_uri(svg)
    return {
        "trend": trend,
        "trend_chart": chart,
        "trend_sentence": trend_sentence(trend, kota),
        "trend_shape": trend_shape(trend),
    }


def _conclusions(results: list[UnitResult], rows: list[CityReportRow], labels: dict[str, str]) -> dict[str, Any]:
    """BAB V: conclusions drawn from the figures."""
    prioritas_counts = Counter(p.kode for row in rows for p in row.prioritas)
    unsur_order = {code: n for n, code in enumerate(UNSUR_CODES)}
    top = sorted(prioritas_counts.items(), key=lambda kv: (-kv[1], unsur_order.get(kv[0], 99)))[:3]
    return {
        "below_baik": sorted((r for r in results if r.ikm < BAIK_LOWER_BOUND), key=lambda r: r.ikm),  # weakest first
        "baik_bound": BAIK_LOWER_BOUND,
        "best": max(results, key=lambda r: r.ikm, default=None),
        "lowest": min(results, key=lambda r: r.ikm, default=None),
        "top_prioritas": [(labels.get(code, code), n) for code, n in top],
        "with_rencana": sum(1 for row in rows if row.has_rencana),
    }


def _priorities_vs_complaints(period: Period, results: list[UnitResult]) -> list[PrioritasVsKeluhan]:
    units = list(Unit.objects.filter(pk__in=[r.unit_id for r in results]).order_by("kode"))
    return priorities_vs_complaints(
        period=period, prioritas=prioritas_by_unit(period=period, units=units), units=units
    )


def city_report_context(
    *, period: Period, public_edition: bool = True, progress: Progress | None = None
) -> dict[str, Any]:
    """Everything the city report's templates print, numbers still exact (formatted by the templates)."""
    step(progress, "Mengumpulkan data", 10)
    frozen = report_snapshot(period)  # what was published (only a locked period has a snapshot): read once
    front = report_front_matter(period, frozen=frozen)
    if signature_missing(period, front):
        raise SignatureMissing(signature_missing_message(period))
    all_results = unit_results(period=period)
    results = [r for r in all_results if r.respondents]
    city = city_result(results)
    labels = {u.kode: u.label_singkat for u in unsur_list()}
    before = previous_period(period)
    realisasi = realisasi_by_unit(rencana_period=before)
    rows = _rows(period, before, results, realisasi, labels, public_edition)
    step(progress, "Membuat grafik", 30)
    semester = semester_label(period)
    return {
        "period": period,
        "public_edition": public_edition,
        "draft": not period.is_locked,
        "front": front,
        "kota": front.kota,
        "semester": semester,
        "year": str(period.tanggal_mulai.year),
        "title": f"Laporan Pelaksanaan Survei Kepuasan Masyarakat (SKM) {semester}",
        "header_text": f"Laporan SKM {semester} – Pemerintah {front.kota}",
        **_texts(front, city, period),
        "city": city,
        "city_kategori": city.kategori.label if city.kategori else "–",
        "city_realisasi": city_realisasi(realisasi),
        "previous_period": before,
        "previous_semester": semester_label(before) if before else None,
        "rows": rows,
        "silent_units": [r for r in all_results if not r.respondents],
        "all_units": len(all_results),
        **_windows(results),
        "distributions": distribution_tables(demographics(period=period), with_charts=True),
        "unsur_legend": [(code, labels.get(code, code)) for code in UNSUR_CODES],
        "unsur_chart": unsur_chart(city.unsur, city.ikm, f"IKM {front.kota} {fmt(city.ikm)}", width=10.0, height=2.3),
        **_trend(period, city, front.kota, frozen),
        **_conclusions(results, rows, labels),
        # The internal edition adds the annex "Catatan kualitas data"; the public one leaves it out.
        "quality": None if public_edition else quality_notes(period=period, results=all_results),
        # ...and, beside each unit's priorities, the unsur its respondents complained about most.
        "prioritas_keluhan": None if public_edition else _priorities_vs_complaints(period, results),
        "wide_interval": settings.SKM_WIDE_INTERVAL,
        "snapshot": frozen,
    }


def city_report_html(*, period: Period, public_edition: bool = True, progress: Progress | None = None) -> str:
    context = city_report_context(period=period, public_edition=public_edition, progress=progress)
    step(progress, "Menyusun dokumen", 60)
    return render_indonesian("reports/pdf/city.html", context)


def city_report_pdf(*, period: Period, progress: Progress | None = None, public_edition: bool = True) -> bytes:
    """The city-wide semester report as PDF bytes; ``progress(stage, percent)`` hears how far it got
    (the caller marks 100 when it has stored the file). ``public_edition=False`` is the internal
    edition, with the annex "Catatan kualitas data"."""
    html = city_report_html(period=period, public_edition=public_edition, progress=progress)
    step(progress, "Membuat PDF", 80)
    return render_pdf(html)
