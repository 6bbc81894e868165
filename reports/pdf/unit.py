"""A unit's own report for a period as PDF (portrait A4, a few pages), and the realization of its previous
plan: what the city report's annex links to.

The staff edition lists the respondents' suggestions and all evidence; the public edition (served without
login for locked periods) never carries a suggestion and shows only the evidence the unit made public."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.utils import timezone

from reports import skm
from reports.pdf.formatting import fmt, render_indonesian, semester_label
from reports.pdf.parts import bukti_texts, distribution_tables, unsur_chart
from reports.selectors.demographics import demographics
from reports.selectors.rencana import prioritas_by_unit, realisasi_of
from reports.selectors.results import UNSUR_CODES, UnitResult, answer_distribution, unit_results
from reports.selectors.signing import report_front_matter, report_snapshot
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


def _realisasi(unit: Unit, before: Period | None, public_edition: bool) -> dict[str, Any]:
    """The previous period's plan with each action's progress and evidence, and their mean."""
    previous = prioritas_by_unit(period=before, units=[unit]).get(unit.pk, []) if before else []
    return {
        "previous_rencana": [
            {
                "urutan": n,
                "label": p.unsur.label_singkat,
                "tindak_lanjut": [
                    {"tindak_lanjut": a, "bukti": bukti_texts(a, public_edition=public_edition)}
                    for a in p.tindak_lanjut.all()
                ],
            }
            for n, p in enumerate(previous, start=1)
        ],
        "realisasi": realisasi_of(previous),
        "previous_period": before,
        "previous_semester": semester_label(before) if before else None,
    }


def _rencana(unit: Unit, period: Period) -> list[dict[str, Any]]:
    """This period's priorities with their numbered actions."""
    chosen = prioritas_by_unit(period=period, units=[unit]).get(unit.pk, [])
    return [
        {
            "urutan": n,
            "label": p.unsur.label_singkat,
            "kode": p.unsur.kode,
            "tindak_lanjut": list(p.tindak_lanjut.all()),
        }
        for n, p in enumerate(chosen, start=1)
    ]


def _made(period: Period) -> dict[str, Any]:
    """Whether the figures are final, and the date that says so: a locked period's lock, never the day
    the file happens to be made; an open period's document is a draft of today's data."""
    frozen = report_snapshot(period)
    return {
        "draft": not period.is_locked,
        "locked_on": tanggal_indonesia(timezone.localdate(frozen.created_at)) if frozen else None,
        "made_on": tanggal_indonesia(timezone.localdate()),
    }


def unit_report_context(*, unit: Unit, period: Period, public_edition: bool = False) -> dict[str, Any]:
    (result,) = unit_results(period=period, units=[unit], counts=True)
    before = previous_period(period)
    unsur = {u.kode: u for u in unsur_list()}
    distribution = answer_distribution(result)
    profile = demographics(period=period, units=[unit]) if result.respondents else None
    # Suggestions are the respondents' own words: only staff read them.
    saran = None if public_edition else saran_of_unit(unit=unit, period=period, shown=SARAN_IN_PDF)
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
        "kota": report_front_matter(period).kota,
        "unsur_rows": _unsur_rows(result, unsur, distribution),
        "chart": unsur_chart(result.unsur, result.ikm, f"IKM {fmt(result.ikm)}", width=6.6, height=2.8),
        "distributions": distribution_tables(profile, with_charts=False) if profile else [],
        "rencana": _rencana(unit, period),
        **_realisasi(unit, before, public_edition),
        "proposed": [unsur[c].label_singkat if c in unsur else c for c in result.proposed_prioritas],
        "public_edition": public_edition,
        "saran": saran.items if saran else [],
        "saran_total": saran.total if saran else 0,
        "saran_limit": SARAN_IN_PDF,
        **_made(period),
    }


def unit_report_html(*, unit: Unit, period: Period, public_edition: bool = False) -> str:
    context = unit_report_context(unit=unit, period=period, public_edition=public_edition)
    return render_indonesian("reports/pdf/unit.html", context)


def unit_report_pdf(*, unit: Unit, period: Period, public_edition: bool = False) -> bytes:
    """A unit's own report for a period (portrait A4, a few pages); ``public_edition`` leaves out the
    suggestions and any evidence the unit did not make public."""
    return render_pdf(unit_report_html(unit=unit, period=period, public_edition=public_edition))


def unit_realisasi_context(*, unit: Unit, period: Period) -> dict[str, Any]:
    """The realization, recorded during ``period``, of the unit's plan of the period before (public)."""
    semester = semester_label(period)
    return {
        "unit": unit,
        "period": period,
        "semester": semester,
        "title": f"Laporan Realisasi Tindak Lanjut Hasil SKM {unit.nama} – {semester}",
        "header_text": f"Realisasi tindak lanjut {unit.kode} – {semester}",
        "kota": report_front_matter(period).kota,
        **_realisasi(unit, previous_period(period), public_edition=True),
        **_made(period),
    }


def unit_realisasi_pdf(*, unit: Unit, period: Period) -> bytes:
    html = render_indonesian("reports/pdf/unit_realisasi.html", unit_realisasi_context(unit=unit, period=period))
    return render_pdf(html)
