"""A unit's own report for a period as PDF (portrait A4, a few pages): what the city report's annex links to."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.utils import timezone

from reports import skm
from reports.pdf.formatting import fmt, render_indonesian, semester_label
from reports.pdf.parts import bukti_texts, distribution_tables, unsur_chart
from reports.selectors.demographics import demographics
from reports.selectors.rencana import prioritas_by_unit, realisasi_by_unit
from reports.selectors.results import UNSUR_CODES, UnitResult, answer_distribution, unit_results
from reports.selectors.snapshot_contents import front_matter_current
from reports.tanggal import tanggal_indonesia
from skm_portal.pdf import render_pdf
from surveys.models import Period, Unsur
from surveys.selectors.periods import previous_period
from surveys.selectors.responses import saran_of_unit
from surveys.selectors.unsur import unsur_list
from units.models import Unit

SARAN_IN_PDF = 200


def _unsur_rows(
    result: UnitResult, unsur: dict[str, Unsur], distribution: dict[str, list[int]]
) -> list[dict[str, Any]]:
    """Each unsur's value, category and how many respondents gave each answer."""
    rows = []
    for n, code in enumerate(UNSUR_CODES):
        item = unsur.get(code)
        counts = distribution.get(code, [0, 0, 0, 0])
        total = sum(counts)
        value = result.unsur[n] if result.unsur else None
        rows.append(
            {
                "kode": code,
                "nama": item.nama if item else code,
                "label": item.label_singkat if item else code,
                "value": value,
                "kategori": skm.kategori(value).label if value is not None else "–",
                "answers": [
                    {"count": c, "percent": Fraction(100 * c, total) if total else None, "label": label}
                    for c, label in zip(counts, item.jawaban if item else ["", "", "", ""], strict=True)
                ],
            }
        )
    return rows


def _plans(unit: Unit, period: Period, before: Period | None) -> dict[str, Any]:
    """This period's plan and the previous period's, with its realisasi and evidence."""
    chosen = prioritas_by_unit(period=period, units=[unit]).get(unit.pk, [])
    previous = prioritas_by_unit(period=before, units=[unit]).get(unit.pk, []) if before else []
    return {
        "rencana": [
            {
                "urutan": n,
                "label": p.unsur.label_singkat,
                "kode": p.unsur.kode,
                "tindak_lanjut": list(p.tindak_lanjut.all()),
            }
            for n, p in enumerate(chosen, start=1)
        ],
        "previous_rencana": [
            {
                "urutan": n,
                "label": p.unsur.label_singkat,
                "tindak_lanjut": [{"tindak_lanjut": a, "bukti": bukti_texts(a)} for a in p.tindak_lanjut.all()],
            }
            for n, p in enumerate(previous, start=1)
        ],
        "realisasi": realisasi_by_unit(rencana_period=before, units=[unit]).get(unit.pk) if before else None,
    }


def unit_report_context(*, unit: Unit, period: Period) -> dict[str, Any]:
    (result,) = unit_results(period=period, units=[unit], counts=True)
    before = previous_period(period)
    unsur = {u.kode: u for u in unsur_list()}
    distribution = answer_distribution(result)
    profile = demographics(period=period, units=[unit]) if result.respondents else None
    saran = saran_of_unit(unit=unit, period=period, shown=SARAN_IN_PDF)
    semester = semester_label(period)
    return {
        "unit": unit,
        "period": period,
        "semester": semester,
        "title": f"Laporan Survei Kepuasan Masyarakat (SKM) {unit.nama} {semester}",
        "header_text": f"Laporan SKM {unit.kode} – {semester}",
        "result": result,
        "kategori": result.kategori,
        "window": result.collection_period or "–",
        "kota": front_matter_current(period).kota,
        "unsur_rows": _unsur_rows(result, unsur, distribution),
        "chart": unsur_chart(result.unsur, result.ikm, f"IKM {fmt(result.ikm)}", width=6.6, height=2.8),
        "distributions": distribution_tables(profile, with_charts=False) if profile else [],
        **_plans(unit, period, before),
        "proposed": [unsur[c].label_singkat if c in unsur else c for c in result.proposed_prioritas],
        "previous_period": before,
        "previous_semester": semester_label(before) if before else None,
        "saran": saran.items,
        "saran_total": saran.total,
        "saran_limit": SARAN_IN_PDF,
        "made_on": tanggal_indonesia(timezone.localdate()),
    }


def unit_report_html(*, unit: Unit, period: Period) -> str:
    return render_indonesian("reports/pdf/unit.html", unit_report_context(unit=unit, period=period))


def unit_report_pdf(*, unit: Unit, period: Period) -> bytes:
    """A unit's own report for a period (portrait A4, a few pages)."""
    return render_pdf(unit_report_html(unit=unit, period=period))
