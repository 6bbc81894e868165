"""The PDF reports: the city's semester report and a unit's own report.

The city report reproduces the structure of the reference report (Laporan Pelaksanaan SKM
Kota Pekalongan Semester II 2023): cover, DAFTAR ISI, KATA PENGANTAR, BAB I, BAB II, BAB III
(the unit table on A4 landscape pages and the trend of the city IKM), BAB V and LAMPIRAN.
Figures come from ``reports.selectors`` (the exact formulas of ``reports.skm``); the words of
the front matter from the period's ``FrontMatter`` (the reference report's words by default).

Context building and rendering are separate: ``city_report_context`` / ``unit_report_context``
return what the templates under ``templates/reports/pdf/`` need, ``*_pdf`` render it with
WeasyPrint (``reports.pdf.render_pdf``, static files only, no network).
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any, Callable

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from surveys.models import Period, Response, Unsur
from units.models import Unit

from . import charts, skm
from .documents import DEMOGRAPHIC_TITLES
from .models import FrontMatter, HistoricalIkm, PeriodSnapshot, TindakLanjut
from .pdf import render_pdf
from .quality import quality_notes
from .selectors import (
    BULAN,
    UNSUR_CODES,
    UnitResult,
    answer_distribution,
    city_result,
    collection_window,
    demographics,
    previous_period,
    priorities_by_unit,
    realization_by_unit,
    unit_results,
)

Progress = Callable[[str, int], None]

SUGGESTIONS_IN_PDF = 200
ROMAWI = {1: "I", 2: "II"}
AGE_LABELS = {  # the buckets of selectors.AGE_BUCKETS as the report words them
    "< 20": "Kurang dari 20 tahun",
    "20-29": "20 - 29 tahun",
    "30-39": "30 - 39 tahun",
    "40-49": "40 - 49 tahun",
    ">= 50": "50 tahun ke atas",
}
BAIK_LOWER_BOUND = next(k.lower_bound for k in skm.KATEGORI_TABLE if k.grade == "B")

# BAB I C. Maksud dan Tujuan, in the reference report's words; only the object of the first
# sentence is the city's units (the reference names "Layanan Penataan Organisasi ... Bagian
# Organisasi", a unit's own report copied into the city's).
TUJUAN = (
    "Tujuan pelaksanaan SKM adalah untuk mengetahui gambaran kepuasan masyarakat yang diperoleh dari hasil "
    "pengukuran atas pendapat masyarakat, terhadap mutu dan kualitas pelayanan publik yang telah diberikan oleh "
    "Unit Penyelenggara Pelayanan di Lingkungan Pemerintah {kota}."
)
SASARAN = (
    "Mendorong partisipasi masyarakat sebagai pengguna layanan dalam menilai kinerja penyelenggara pelayanan;",
    "Mendorong penyelenggara pelayanan publik untuk meningkatkan kualitas pelayanan publik;",
    "Mendorong penyelenggara pelayanan publik untuk menjadi lebih inovatif dalam menyelenggarakan pelayanan publik;",
    "Mengukur kecenderungan tingkat kepuasan masyarakat terhadap pelayanan publik yang diberikan.",
)
MANFAAT = (
    "Diketahui kelemahan atau kekurangan dari masing-masing unsur dalam penyelenggara pelayanan publik;",
    "Diketahui kinerja penyelenggara pelayanan yang telah dilaksanakan oleh unit pelayanan publik secara periodik;",
    "Sebagai bahan penetapan kebijakan yang perlu diambil dan upaya tindak lanjut yang perlu dilakukan atas hasil "
    "Survei Kepuasan Masyarakat;",
    "Diketahui indeks kepuasan masyarakat secara menyeluruh terhadap hasil pelaksanaan pelayanan publik pada lingkup "
    "Pemerintah Pusat dan Daerah;",
    "Memacu persaingan positif, antar unit penyelenggara pelayanan pada lingkup Pemerintah Pusat dan Daerah dalam "
    "upaya peningkatan kinerja pelayanan;",
    "Bagi masyarakat dapat diketahui gambaran tentang kinerja unit pelayanan.",
)


# --- small Indonesian formatting helpers -------------------------------------------------------

def tanggal_indonesia(day: date | datetime) -> str:
    """31 Januari 2024."""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def semester_label(period: Period) -> str:
    """"Semester II Tahun 2023" for 2023-S2 (a code of another form is printed as it is)."""
    year, _sep, semester = period.kode.partition("-S")
    if year.isdigit() and semester.isdigit() and int(semester) in ROMAWI:
        return f"Semester {ROMAWI[int(semester)]} Tahun {year}"
    return f"Periode {period.kode}"


def period_year(period: Period) -> int:
    return period.tanggal_mulai.year


def fmt(value: Fraction | float | int | None, places: int = 2) -> str:
    """A number as the report prints it (90,69; 14.249), for text built in Python."""
    return "–" if value is None else skm.angka(value, places)


def paragraphs(text: str) -> list[str]:
    """Paragraphs of an editable text: separated by blank lines; single newlines become spaces."""
    blocks = [" ".join(line.strip() for line in block.splitlines() if line.strip()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


class _Placeholders(dict):
    """format_map mapping that leaves unknown placeholders as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, values: dict[str, str]) -> str:
    """The text with {kota} {periode} ... filled; a text with stray braces is printed unfilled."""
    try:
        return text.format_map(_Placeholders(values))
    except (ValueError, IndexError, AttributeError):
        return text


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def unit_report_path(kode: str, period: Period) -> str:
    return reverse("reports:unit_report", args=[kode, period.kode])


def _evidence_texts(action: TindakLanjut) -> list[dict[str, str]]:
    """What to print as an action's evidence: the file's name and/or the link."""
    items = []
    if action.bukti_file:
        items.append({"text": PurePosixPath(action.bukti_file.name).name, "href": ""})
    if action.bukti_tautan:
        link = action.bukti_tautan
        items.append({"text": link, "href": link if link.lower().startswith(("http://", "https://")) else ""})
    return items


def _step(progress: Progress | None, stage: str, percent: int) -> None:
    if progress is not None:
        progress(stage, percent)


def _render(template: str, context: dict[str, Any]) -> str:
    with translation.override("id"):
        return render_to_string(template, context)


# --- the city report ------------------------------------------------------------------------------

@dataclass
class PlanItem:
    """A priority element and its numbered actions, as one block of the table."""

    urutan: int
    kode: str
    label: str
    actions: list[str] = field(default_factory=list)


@dataclass
class CityReportRow:
    no: int
    result: UnitResult
    priorities: list[PlanItem]
    confirmed: bool  # False: the portal's proposal (the three lowest), not yet chosen by the unit
    realization: Fraction | None
    report_path: str
    evidence: list[dict[str, str]]

    @property
    def has_plan(self) -> bool:
        return self.confirmed and any(p.actions for p in self.priorities)


@dataclass
class TrendPoint:
    label: str
    ikm: Fraction | float


def front_matter_for(period: Period) -> FrontMatter:
    try:
        return FrontMatter.objects.get(period=period)
    except FrontMatter.DoesNotExist:
        return FrontMatter(period=period)


def city_trend(period: Period, current_ikm: Fraction | None) -> list[TrendPoint]:
    """The city IKM across periods: the historical values from before the portal, then every
    locked portal period before this one (with responses), then this period."""
    portal = list(
        Period.objects.filter(status=Period.Status.LOCKED, tanggal_mulai__lt=period.tanggal_mulai).order_by("tanggal_mulai")
    )
    portal_points = []
    for earlier in portal:
        value = city_result(unit_results(period=earlier)).ikm
        if value is not None:
            portal_points.append(TrendPoint(earlier.kode, value))
    if current_ikm is not None:
        portal_points.append(TrendPoint(period.kode, current_ikm))
    portal_labels = {p.label for p in portal_points}
    history = [TrendPoint(h.label, Fraction(h.ikm)) for h in HistoricalIkm.objects.order_by("urutan") if h.label not in portal_labels]
    return history + portal_points


def trend_shape(points: list[TrendPoint]) -> str | None:
    """"mengalami fluktuasi dari 2018 hingga 2023-S2" (None with fewer than two points)."""
    if len(points) < 2:
        return None
    values = [Fraction(p.ikm) for p in points]
    if all(b >= a for a, b in zip(values, values[1:])):
        shape = "terus meningkat"
    elif all(b <= a for a, b in zip(values, values[1:])):
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


def city_report_context(*, period: Period, public_edition: bool = True, progress: Progress | None = None) -> dict[str, Any]:
    """Everything the city report's templates print, numbers still exact (formatted by the templates)."""
    _step(progress, "Mengumpulkan data", 10)
    front = front_matter_for(period)
    kota = front.kota
    before = previous_period(period)
    all_results = unit_results(period=period)
    results = [r for r in all_results if r.respondents]
    silent = [r for r in all_results if not r.respondents]
    city = city_result(results)
    unsur = {u.kode: u for u in Unsur.objects.all()}
    chosen = priorities_by_unit(period=period)
    realization = realization_by_unit(plan_period=before)
    city_realization = skm.mean(realization.values()) if realization else None
    evidence: dict[int, list[dict[str, str]]] = {}
    if before is not None:
        with_evidence = (
            TindakLanjut.objects.filter(prioritas__period=before)
            .filter(~Q(bukti_file="") | ~Q(bukti_tautan=""))
            .select_related("prioritas")
            .order_by("prioritas__unit_id", "prioritas__urutan", "nomor")
        )
        for action in with_evidence:
            evidence.setdefault(action.prioritas.unit_id, []).extend(_evidence_texts(action))

    rows = []
    for no, r in enumerate(results, start=1):
        picked = chosen.get(r.unit_id, [])
        if picked:
            items = [
                PlanItem(n, p.unsur.kode, p.unsur.label_singkat, [f"{a.nomor}. {a.teks}" for a in p.tindak_lanjut.all()])
                for n, p in enumerate(picked, start=1)
            ]
        else:
            items = [
                PlanItem(n, code, unsur[code].label_singkat if code in unsur else code)
                for n, code in enumerate(r.proposed_priorities, start=1)
            ]
        rows.append(
            CityReportRow(
                no=no, result=r, priorities=items, confirmed=bool(picked), realization=realization.get(r.unit_id),
                report_path=unit_report_path(r.kode, period), evidence=evidence.get(r.unit_id, []),
            )
        )

    first_at = min((r.first_at for r in results), default=None)
    last_at = max((r.last_at for r in results), default=None)
    window = collection_window(first_at, last_at) if first_at else "–"
    window_long = collection_window(first_at, last_at, " sampai dengan ") if first_at else "–"
    window_short = collection_window(first_at, last_at, " s.d ") if first_at else "–"

    values = {
        "kota": kota,
        "periode": semester_label(period),
        "jumlah_unit": fmt(city.units, 0),
        "jumlah_responden": fmt(city.respondents, 0),
        "ikm": fmt(city.ikm),
        "kategori": city.kategori.label if city.kategori else "–",
        "nomor_surat": front.nomor_surat,
    }

    _step(progress, "Membuat grafik", 30)
    demo = demographics(period=period)
    distributions = []
    for key, title in DEMOGRAPHIC_TITLES.items():
        dist_rows = demo[key]
        labels = [AGE_LABELS.get(row.label, row.label) if key == "umur" else row.label for row in dist_rows]
        distributions.append({
            "title": title,
            "rows": [{"label": label, "count": row.count, "percent": row.percent} for label, row in zip(labels, dist_rows)],
            "total": sum(row.count for row in dist_rows),
            "chart": svg_data_uri(charts.distribution_chart_svg(labels, [row.count for row in dist_rows], [row.percent for row in dist_rows])),
        })
    trend = city_trend(period, city.ikm)
    trend_chart = (
        svg_data_uri(charts.line_chart_svg([p.label for p in trend], [p.ikm for p in trend], ylabel="IKM", width=10.0, height=2.6))
        if trend else None
    )
    unsur_chart = (
        svg_data_uri(charts.bar_chart_svg(list(UNSUR_CODES), city.unsur, ylabel="Nilai", reference=city.ikm,
                                          reference_label=f"IKM {kota} {fmt(city.ikm)}", width=10.0, height=2.3))
        if city.unsur else None
    )

    # BAB V: conclusions drawn from the figures.
    below_baik = sorted((r for r in results if r.ikm < BAIK_LOWER_BOUND), key=lambda r: r.ikm)  # weakest first
    best = max(results, key=lambda r: r.ikm, default=None)
    lowest = min(results, key=lambda r: r.ikm, default=None)
    priority_counts = Counter(p.kode for row in rows for p in row.priorities)
    unsur_order = {code: n for n, code in enumerate(UNSUR_CODES)}
    top_priorities = sorted(priority_counts.items(), key=lambda kv: (-kv[1], unsur_order.get(kv[0], 99)))[:3]
    with_plan = sum(1 for row in rows if row.has_plan)
    signature_date = tanggal_indonesia(front.tanggal or timezone.localdate())

    return {
        "period": period,
        "public_edition": public_edition,
        "front": front,
        "kota": kota,
        "semester": semester_label(period),
        "year": str(period_year(period)),
        "title": f"Laporan Pelaksanaan Survei Kepuasan Masyarakat (SKM) {semester_label(period)}",
        "header_text": f"Laporan SKM {semester_label(period)} – Pemerintah {kota}",
        "kata_pengantar": paragraphs(fill(front.kata_pengantar, values)),
        "latar_belakang": paragraphs(fill(front.latar_belakang, values)),
        "dasar_hukum": lines(fill(front.dasar_hukum, values)),
        "pengumpulan_data": paragraphs(fill(front.pengumpulan_data, values)),
        "tujuan": fill(TUJUAN, values),
        "sasaran": SASARAN,
        "manfaat": MANFAAT,
        "signature": {"tempat": front.tempat, "tanggal": signature_date, "jabatan": front.penandatangan_jabatan,
                      "nama": front.penandatangan_nama},
        "city": city,
        "city_kategori": city.kategori.label if city.kategori else "–",
        "city_realization": city_realization,
        "previous_period": before,
        "previous_semester": semester_label(before) if before else None,
        "rows": rows,
        "silent_units": silent,
        "all_units": len(all_results),
        "window": window,
        "window_long": window_long,
        "window_short": window_short,
        "distributions": distributions,
        "unsur_legend": [(code, unsur[code].label_singkat if code in unsur else code) for code in UNSUR_CODES],
        "unsur_chart": unsur_chart,
        "trend": trend,
        "trend_chart": trend_chart,
        "trend_sentence": trend_sentence(trend, kota),
        "trend_shape": trend_shape(trend),
        "below_baik": below_baik,
        "baik_bound": BAIK_LOWER_BOUND,
        "best": best,
        "lowest": lowest,
        "top_priorities": [(unsur[code].label_singkat if code in unsur else code, n) for code, n in top_priorities],
        "with_plan": with_plan,
        # The internal edition adds the annex "Catatan kualitas data"; the public one leaves it out.
        "quality": None if public_edition else quality_notes(period=period, results=all_results),
        "wide_interval": settings.SKM_WIDE_INTERVAL,
        "snapshot": PeriodSnapshot.objects.filter(period=period).first(),
    }


def city_report_html(*, period: Period, public_edition: bool = True, progress: Progress | None = None) -> str:
    context = city_report_context(period=period, public_edition=public_edition, progress=progress)
    _step(progress, "Menyusun dokumen", 60)
    return _render("reports/pdf/city.html", context)


def city_report_pdf(*, period: Period, progress: Progress | None = None, public_edition: bool = True) -> bytes:
    """The city-wide semester report as PDF bytes; ``progress(stage, percent)`` hears how far it got
    (the caller marks 100 when it has stored the file). ``public_edition=False`` is the internal
    edition, with the annex "Catatan kualitas data"."""
    html = city_report_html(period=period, public_edition=public_edition, progress=progress)
    _step(progress, "Membuat PDF", 80)
    return render_pdf(html)


# --- a unit's own report --------------------------------------------------------------------------

def unit_report_context(*, unit: Unit, period: Period) -> dict[str, Any]:
    (result,) = unit_results(period=period, units=[unit])
    before = previous_period(period)
    unsur = list(Unsur.objects.all())
    unsur_by_code = {u.kode: u for u in unsur}
    values = result.unsur
    unsur_rows = []
    distribution = answer_distribution(period=period, unit=unit) if result.respondents else {}
    for n, code in enumerate(UNSUR_CODES):
        item = unsur_by_code.get(code)
        counts = distribution.get(code, [0, 0, 0, 0])
        total = sum(counts)
        unsur_rows.append({
            "kode": code,
            "nama": item.nama if item else code,
            "label": item.label_singkat if item else code,
            "value": values[n] if values else None,
            "kategori": skm.kategori(values[n]).label if values else "–",
            "answers": [
                {"count": c, "percent": Fraction(100 * c, total) if total else None, "label": label}
                for c, label in zip(counts, item.jawaban if item else ["", "", "", ""])
            ],
        })
    demo = demographics(period=period, units=[unit]) if result.respondents else None
    distributions = []
    if demo:
        for key, title in DEMOGRAPHIC_TITLES.items():
            distributions.append({
                "title": title,
                "rows": [{"label": AGE_LABELS.get(row.label, row.label) if key == "umur" else row.label,
                          "count": row.count, "percent": row.percent} for row in demo[key]],
                "total": sum(row.count for row in demo[key]),
            })
    chosen = priorities_by_unit(period=period, units=[unit]).get(unit.pk, [])
    plan = [
        {"urutan": n, "label": p.unsur.label_singkat, "kode": p.unsur.kode, "actions": list(p.tindak_lanjut.all())}
        for n, p in enumerate(chosen, start=1)
    ]
    proposed = [unsur_by_code[c].label_singkat if c in unsur_by_code else c for c in result.proposed_priorities]
    previous_plan = []
    if before is not None:
        for n, p in enumerate(priorities_by_unit(period=before, units=[unit]).get(unit.pk, []), start=1):
            previous_plan.append({
                "urutan": n, "label": p.unsur.label_singkat,
                "actions": [{"action": a, "evidence": _evidence_texts(a)} for a in p.tindak_lanjut.all()],
            })
    realization = realization_by_unit(plan_period=before, units=[unit]).get(unit.pk) if before else None
    suggestions = Response.objects.filter(period=period, unit=unit).exclude(saran="")
    chart = (
        svg_data_uri(charts.bar_chart_svg(list(UNSUR_CODES), values, ylabel="Nilai", reference=result.ikm,
                                          reference_label=f"IKM {fmt(result.ikm)}", width=6.6, height=2.8))
        if values else None
    )
    return {
        "unit": unit,
        "period": period,
        "semester": semester_label(period),
        "title": f"Laporan Survei Kepuasan Masyarakat (SKM) {unit.nama} {semester_label(period)}",
        "header_text": f"Laporan SKM {unit.kode} – {semester_label(period)}",
        "result": result,
        "kategori": result.kategori,
        "window": result.collection_period or "–",
        "kota": front_matter_for(period).kota,
        "unsur_rows": unsur_rows,
        "chart": chart,
        "distributions": distributions,
        "plan": plan,
        "proposed": proposed,
        "previous_period": before,
        "previous_semester": semester_label(before) if before else None,
        "previous_plan": previous_plan,
        "realization": realization,
        "suggestions": list(suggestions.order_by("-submitted_at", "-pk")[:SUGGESTIONS_IN_PDF]),
        "suggestions_total": suggestions.count(),
        "suggestions_limit": SUGGESTIONS_IN_PDF,
        "made_on": tanggal_indonesia(timezone.localdate()),
    }


def unit_report_html(*, unit: Unit, period: Period) -> str:
    return _render("reports/pdf/unit.html", unit_report_context(unit=unit, period=period))


def unit_report_pdf(*, unit: Unit, period: Period) -> bytes:
    """A unit's own report for a period (portrait A4, a few pages)."""
    return render_pdf(unit_report_html(unit=unit, period=period))
