"""The Excel recap of a period: the BAB III table with the city row, the respondent profile and the plans."""

from __future__ import annotations

from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.documents.cells import set_cell
from reports.models import TindakLanjut
from reports.selectors.demographics import DEMOGRAPHIC_TITLES
from reports.selectors.results import UNSUR_CODES
from surveys.models import Period
from surveys.selectors.periods import previous_period

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


REKAP_HEADER = (
    "No",
    "OPD/ Unit Pelayanan Publik",
    "Kode",
    "Periode Pelaksanaan",
    *UNSUR_CODES,
    "IKM",
    "Kategori",
    "Mutu",
    "Jumlah Resp.",
    "Metode SKM",
    "Unsur Prioritas Perbaikan",
    "Realisasi Tindak Lanjut",
)


def write_report_xlsx(data: dict[str, Any], output: BinaryIO, *, rencana_of: Period | None = None) -> None:
    """The Excel recap: sheet "Rekap" (the BAB III table and the city row), one sheet per
    demographic and, with `rencana_of`, the period's follow-up plans and the previous plan's realization."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rekap"
    for column, title in enumerate(REKAP_HEADER, start=1):
        set_cell(sheet, 1, column, title).font = _BOLD
    row = 1
    for number, unit in enumerate(data["units"], start=1):
        row += 1
        values = [
            number,
            unit["name"],
            unit["code"],
            unit["collection_period"] or "",
            *(unit["unsur"][c] for c in UNSUR_CODES),
            unit["ikm"],
            unit["category"] or "",
            unit["grade"] or "",
            unit["respondents"],
            unit["method"],
            ", ".join(unit["priorities"]),
            unit["realization"],
        ]
        _write_row(sheet, row, values)
    overall = data["overall"]
    row += 1
    _write_row(
        sheet,
        row,
        [
            "",
            "Rata-rata Indeks per Unsur dan Indeks SKM",
            "",
            "",
            *(overall["unsur"][c] for c in UNSUR_CODES),
            overall["ikm"],
            overall["category"] or "",
            overall["grade"] or "",
            overall["respondents"],
            "",
            "",
            overall["realization"],
        ],
    )
    for column in range(1, len(REKAP_HEADER) + 1):
        sheet.cell(row=row, column=column).font = _BOLD
    widths = {
        REKAP_HEADER.index(title) + 1: width
        for title, width in (
            ("No", 5),
            ("OPD/ Unit Pelayanan Publik", 48),
            ("Kode", 10),
            ("Periode Pelaksanaan", 22),
            ("Metode SKM", 16),
            ("Unsur Prioritas Perbaikan", 28),
            ("Realisasi Tindak Lanjut", 14),
        )
    }
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
    if rencana_of is not None:
        codes = {unit["code"] for unit in data["units"]}
        _write_rencana(workbook.create_sheet("Rencana Tindak Lanjut"), rencana_of, codes)
        before = previous_period(rencana_of)
        if before is not None:
            _write_rencana(workbook.create_sheet("Realisasi"), before, codes)
    workbook.save(output)


RENCANA_HEADER = (
    "Kode",
    "Unit",
    "No",
    "Unsur Prioritas",
    "No Tindakan",
    "Rencana Tindak Lanjut",
    "Target",
    "Penanggung Jawab",
    "Progres (%)",
    "Bukti",
)


def _write_rencana(sheet: Worksheet, period: Period, unit_codes: set[str]) -> None:
    """One row per follow-up action of the period's plans (with progress when recorded)."""
    for column, title in enumerate(RENCANA_HEADER, start=1):
        set_cell(sheet, 1, column, title).font = _BOLD
    actions = (
        TindakLanjut.objects.filter(prioritas__period=period, prioritas__unit__kode__in=unit_codes)
        .select_related("prioritas__unit", "prioritas__unsur")
        .order_by("prioritas__unit__kode", "prioritas__urutan", "nomor")
    )
    for row, tindak_lanjut in enumerate(actions, start=2):
        prioritas = tindak_lanjut.prioritas
        bukti = tindak_lanjut.bukti_tautan or ("berkas" if tindak_lanjut.bukti_file else "")
        values = [
            prioritas.unit.kode,
            prioritas.unit.nama,
            prioritas.urutan,
            prioritas.unsur.label_singkat,
            tindak_lanjut.nomor,
            tindak_lanjut.teks,
            tindak_lanjut.target,
            tindak_lanjut.penanggung_jawab,
            tindak_lanjut.progres,
            bukti,
        ]
        for column, value in enumerate(values, start=1):
            cell = set_cell(sheet, row, column, value, decimals=0 if column in (3, 5, 9) else None)
            if column == 7:
                cell.number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHIJ", (10, 40, 5, 20, 6, 70, 12, 24, 10, 30), strict=True):
        sheet.column_dimensions[column].width = width


_COUNT_COLUMNS = {REKAP_HEADER.index("No") + 1, REKAP_HEADER.index("Jumlah Resp.") + 1}


def _write_row(sheet: Worksheet, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        is_count = column in _COUNT_COLUMNS
        cell = set_cell(sheet, row, column, value, decimals=0 if is_count else 2)
        if column == 2:
            cell.alignment = _WRAP
