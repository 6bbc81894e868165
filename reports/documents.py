"""The report in the shapes other tools read: the JSON of interfaces.md and the Excel recap."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from surveys.models import Period
from units.models import Unit

from . import skm
from .models import PeriodSnapshot
from .quality import period_flags
from .selectors import (
    UNSUR_CODES,
    city_result,
    demographics,
    previous_period,
    priorities_by_unit,
    realization_by_unit,
    rollups,
    unit_results,
)

DEMOGRAPHIC_TITLES = {
    "umur": "Usia",
    "jenis_kelamin": "Jenis Kelamin",
    "pendidikan": "Pendidikan",
    "pekerjaan": "Pekerjaan",
}


ROLLUP_METHOD = "rata-rata tanpa bobot dari unit di bawahnya yang memiliki responden"  # the city row's rule


def _number(value: Fraction | None, places: int = 2) -> float | None:
    return float(skm.round_half_up(value, places)) if value is not None else None


def _unsur(values: tuple[Fraction, ...] | None) -> dict[str, float | None]:
    if values is None:
        return {code: None for code in UNSUR_CODES}
    return {code: _number(v) for code, v in zip(UNSUR_CODES, values)}


def _interval(bounds: tuple[float, float] | None) -> list[float] | None:
    # The bounds are floats: rounded from their shortest decimal form, as they print.
    return [_number(Fraction(repr(b))) for b in bounds] if bounds is not None else None


def _figures(unsur: tuple[Fraction, ...] | None, ikm: Fraction | None, kategori: skm.Kategori | None) -> dict[str, Any]:
    return {
        "unsur": _unsur(unsur),
        "ikm": _number(ikm),
        "category": kategori.label if kategori else None,
        "grade": kategori.grade if kategori else None,
    }


def report_data(*, period: Period, unit: Unit | None = None, live: bool = False) -> dict[str, Any]:
    """City-wide (or one unit's) report as plain data, numbers rounded half-up to 2 decimals.

    A locked period's city-wide report is the snapshot stored when it was locked (unless
    `live`): published figures do not move.
    """
    if unit is None and not live and period.is_locked:
        snapshot = PeriodSnapshot.objects.filter(period=period).only("data").first()
        if snapshot is not None:
            return snapshot.data
    units = [unit] if unit is not None else None
    results = unit_results(period=period, units=units)
    city = city_result(results)
    chosen = priorities_by_unit(period=period, units=units)
    realization = realization_by_unit(plan_period=previous_period(period), units=units)
    flags = period_flags(period=period, results=results)
    # A unit's own report rolls up its children when it has some; the city report every parent.
    rollup_rows = rollups(period=period, parent=unit) if unit is not None else rollups(period=period, results=results)
    return {
        "period": period.kode,
        "units": [
            {
                "code": r.kode,
                "name": r.nama,
                "respondents": r.respondents,
                **_figures(r.unsur, r.ikm, r.kategori),
                "collection_period": r.collection_period,
                "method": r.metode,
                # What the unit chose; until it chooses, the portal's proposal (the three lowest).
                "priorities": [p.unsur.kode for p in chosen[r.unit_id]] if r.unit_id in chosen else list(r.proposed_priorities),
                "priorities_confirmed": r.unit_id in chosen,
                "realization": _number(realization.get(r.unit_id)),
                "ikm_ci95": _interval(r.ikm_ci95),
                "min_sample": r.minimum_sample,
                "sample_ok": r.sample_reached,
                "flags": [flag.code for flag in flags.get(r.unit_id, [])],
            }
            for r in results
        ],
        "overall": {
            **_figures(city.unsur, city.ikm, city.kategori),
            "units": city.units,
            "respondents": city.respondents,
            "realization": _number(skm.mean(realization.values())) if realization else None,
            "ikm_ci95": _interval(city.ikm_ci95),
        },
        "rollups": [
            {
                "code": rollup.kode,
                "name": rollup.nama,
                **_figures(rollup.result.unsur, rollup.result.ikm, rollup.result.kategori),
                "units": rollup.result.units,
                "respondents": rollup.result.respondents,
                "ikm_ci95": _interval(rollup.result.ikm_ci95),
                "method": ROLLUP_METHOD,
            }
            for rollup in rollup_rows
        ],
        "demographics": {
            name: [{"label": row.label, "count": row.count, "percent": _number(row.percent, 1)} for row in rows]
            for name, rows in demographics(period=period, units=units).items()
        },
    }


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def set_cell(sheet: Worksheet, row: int, column: int, value: Any, *, decimals: int | None = None) -> Cell:
    """Write a cell; text that a spreadsheet would run as a formula is stored as plain text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        cell.data_type = "s"
    if decimals is not None and isinstance(value, (int, float)):
        cell.number_format = "0." + "0" * decimals if decimals else "0"
    return cell


REKAP_HEADER = (
    "No", "OPD/ Unit Pelayanan Publik", "Kode", "Periode Pelaksanaan", *UNSUR_CODES, "IKM",
    "Kategori", "Mutu", "Jumlah Resp.", "Metode SKM", "Unsur Prioritas Perbaikan", "Realisasi Tindak Lanjut",
)


def write_report_xlsx(data: dict[str, Any], output: BinaryIO, *, plans_of: Period | None = None) -> None:
    """The Excel recap: sheet "Rekap" (the BAB III table and the city row), one sheet per
    demographic and, with `plans_of`, the period's follow-up plans and the previous plan's realization."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rekap"
    for column, title in enumerate(REKAP_HEADER, start=1):
        set_cell(sheet, 1, column, title).font = _BOLD
    row = 1
    for number, unit in enumerate(data["units"], start=1):
        row += 1
        values = [
            number, unit["name"], unit["code"], unit["collection_period"] or "",
            *(unit["unsur"][c] for c in UNSUR_CODES), unit["ikm"], unit["category"] or "", unit["grade"] or "",
            unit["respondents"], unit["method"], ", ".join(unit["priorities"]), unit["realization"],
        ]
        _write_row(sheet, row, values)
    overall = data["overall"]
    row += 1
    _write_row(
        sheet, row,
        ["", "Rata-rata Indeks per Unsur dan Indeks SKM", "", "", *(overall["unsur"][c] for c in UNSUR_CODES),
         overall["ikm"], overall["category"] or "", overall["grade"] or "", overall["respondents"], "", "",
         overall["realization"]],
    )
    for column in range(1, len(REKAP_HEADER) + 1):
        sheet.cell(row=row, column=column).font = _BOLD
    widths = {REKAP_HEADER.index(title) + 1: width for title, width in (
        ("No", 5), ("OPD/ Unit Pelayanan Publik", 48), ("Kode", 10), ("Periode Pelaksanaan", 22), ("Metode SKM", 16),
        ("Unsur Prioritas Perbaikan", 28), ("Realisasi Tindak Lanjut", 14))}
    for column in range(1, len(REKAP_HEADER) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(column, 9)
    sheet.freeze_panes = "C2"

    for name, title in DEMOGRAPHIC_TITLES.items():
        demo = workbook.create_sheet(title)
        for column, heading in enumerate((title, "Frekuensi", "Persen"), start=1):
            set_cell(demo, 1, column, heading).font = _BOLD
        rows = data["demographics"][name]
        for index, item in enumerate(rows, start=2):
            set_cell(demo, index, 1, item["label"])
            set_cell(demo, index, 2, item["count"], decimals=0)
            set_cell(demo, index, 3, item["percent"], decimals=1)
        total_row = len(rows) + 2
        set_cell(demo, total_row, 1, "Total").font = _BOLD
        set_cell(demo, total_row, 2, sum(item["count"] for item in rows), decimals=0).font = _BOLD
        demo.column_dimensions["A"].width = 24
    if plans_of is not None:
        codes = {unit["code"] for unit in data["units"]}
        _write_plans(workbook.create_sheet("Rencana Tindak Lanjut"), plans_of, codes)
        before = previous_period(plans_of)
        if before is not None:
            _write_plans(workbook.create_sheet("Realisasi"), before, codes)
    workbook.save(output)


PLAN_HEADER = ("Kode", "Unit", "No", "Unsur Prioritas", "No Tindakan", "Rencana Tindak Lanjut", "Target",
               "Penanggung Jawab", "Progres (%)", "Bukti")


def _write_plans(sheet: Worksheet, period: Period, unit_codes: set[str]) -> None:
    """One row per follow-up action of the period's plans (with progress when recorded)."""
    from .models import TindakLanjut

    for column, title in enumerate(PLAN_HEADER, start=1):
        set_cell(sheet, 1, column, title).font = _BOLD
    actions = (
        TindakLanjut.objects.filter(prioritas__period=period, prioritas__unit__kode__in=unit_codes)
        .select_related("prioritas__unit", "prioritas__unsur")
        .order_by("prioritas__unit__kode", "prioritas__urutan", "nomor")
    )
    for row, action in enumerate(actions, start=2):
        prioritas = action.prioritas
        evidence = action.bukti_tautan or ("berkas" if action.bukti_file else "")
        values = [prioritas.unit.kode, prioritas.unit.nama, prioritas.urutan, prioritas.unsur.label_singkat, action.nomor,
                  action.teks, action.target, action.penanggung_jawab, action.progres, evidence]
        for column, value in enumerate(values, start=1):
            cell = set_cell(sheet, row, column, value, decimals=0 if column in (3, 5, 9) else None)
            if column == 7:
                cell.number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHIJ", (10, 40, 5, 20, 6, 70, 12, 24, 10, 30)):
        sheet.column_dimensions[column].width = width


RAW_HEADER = ("id", "kode_unit", "nama_unit", "tanggal", "umur", "jenis_kelamin", "pendidikan", "pekerjaan",
              "jenis_layanan", *(f"u{k}" for k in range(1, 10)), "saran", "cara_pengisian")


def write_raw_responses_xlsx(*, period: Period, unit: Unit | None, output: BinaryIO) -> None:
    """Every response of a period (or one unit) as rows, streamed: a million rows stay in bounded memory.

    The keyed client hash is never exported.
    """
    from openpyxl.cell import WriteOnlyCell
    from django.utils import timezone

    from surveys.models import Response

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Respons")
    sheet.append(list(RAW_HEADER))
    responses = Response.objects.filter(period=period)
    if unit is not None:
        responses = responses.filter(unit=unit)
    rows = responses.order_by("pk").values_list(
        "pk", "unit__kode", "unit__nama", "submitted_at", "umur", "jenis_kelamin", "pendidikan", "pekerjaan",
        "jenis_layanan", *(f"u{k}" for k in range(1, 10)), "saran", "channel",
    )
    for values in rows.iterator(chunk_size=2000):
        cells = []
        for value in values:
            if hasattr(value, "tzinfo"):
                value = timezone.localtime(value).replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(output)


_COUNT_COLUMNS = {REKAP_HEADER.index("No") + 1, REKAP_HEADER.index("Jumlah Resp.") + 1}


def _write_row(sheet: Worksheet, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        is_count = column in _COUNT_COLUMNS
        cell = set_cell(sheet, row, column, value, decimals=0 if is_count else 2)
        if column == 2:
            cell.alignment = _WRAP
