"""The Excel recap of a period: the BAB III table with the city row, the respondent profile and the plans."""

from __future__ import annotations

from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from reports.documents.cells import WRAP, add_filter, set_cell, write_header
from reports.models import TindakLanjut
from reports.selectors.demographics import DEMOGRAPHIC_TITLES
from reports.selectors.results import UNSUR_CODES, method_counts, methods_text
from reports.selectors.saran_tema import saran_rows
from surveys.models import Period
from surveys.selectors.periods import previous_period
from surveys.selectors.unsur import unsur_list

_BOLD = Font(bold=True)


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
    demographic and, with `rencana_of`, the period's follow-up plans, its suggestions per unsur and
    the previous plan's realization."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rekap"
    write_header(sheet, REKAP_HEADER, [REKAP_WIDTHS.get(title, 9) for title in REKAP_HEADER], freeze="C2")
    names = {unsur.kode: unsur.label_singkat for unsur in unsur_list()}
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
            # The ways the responses came in, as the PDF's column (a locked period's older snapshot may
            # have no channels: its declared method).
            methods_text(method_counts(unit.get("channels", {}), unit["method"])) or unit["method"],
            ", ".join(names.get(code, code) for code in unit["priorities"]),
            unit["realization"],
        ]
        _write_row(sheet, row, values)
    add_filter(sheet, len(REKAP_HEADER), row)  # the units; the city row below stays out of sorting
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

    for name, title in DEMOGRAPHIC_TITLES.items():
        demo = workbook.create_sheet(title)
        write_header(demo, (title, "Frekuensi", "Persen"), (24, 11, 9))
        rows = data["demographics"][name]
        for index, item in enumerate(rows, start=2):
            set_cell(demo, index, 1, item["label"])
            set_cell(demo, index, 2, item["count"], decimals=0)
            set_cell(demo, index, 3, item["percent"], decimals=1)
        add_filter(demo, 3, len(rows) + 1)
        total_row = len(rows) + 2
        set_cell(demo, total_row, 1, "Total").font = _BOLD
        set_cell(demo, total_row, 2, sum(item["count"] for item in rows), decimals=0).font = _BOLD
    if rencana_of is not None:
        codes = {unit["code"] for unit in data["units"]}
        _write_rencana(workbook.create_sheet("Rencana Tindak Lanjut"), rencana_of, codes)
        _write_saran(workbook.create_sheet("Saran per Unsur"), rencana_of, codes)
        before = previous_period(rencana_of)
        if before is not None:
            _write_rencana(workbook.create_sheet("Realisasi"), before, codes)
    workbook.save(output)


REKAP_WIDTHS = {
    "No": 5,
    "OPD/ Unit Pelayanan Publik": 48,
    "Kode": 10,
    "Periode Pelaksanaan": 22,
    "Metode SKM": 16,
    "Unsur Prioritas Perbaikan": 36,
    "Realisasi Tindak Lanjut": 14,
}

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
    write_header(sheet, RENCANA_HEADER, (10, 40, 5, 20, 6, 70, 12, 24, 10, 30), freeze="C2")
    actions = (
        TindakLanjut.objects.filter(prioritas__period=period, prioritas__unit__kode__in=unit_codes)
        .select_related("prioritas__unit", "prioritas__unsur")
        .order_by("prioritas__unit__kode", "prioritas__urutan", "nomor")
    )
    row = 1
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
            elif column in _RENCANA_TEXT_COLUMNS:
                cell.alignment = WRAP
    add_filter(sheet, len(RENCANA_HEADER), row)


SARAN_HEADER = ("Kode", "Unit", "Unsur", "Nama Unsur", "Keluhan", "Usul")


def _write_saran(sheet: Worksheet, period: Period, unit_codes: set[str]) -> None:
    """One row per unit and unsur its respondents' suggestions speak of (surveys.saran_tema)."""
    write_header(sheet, SARAN_HEADER, (10, 40, 7, 26, 10, 10), freeze="C2")
    row = 1
    for row, values in enumerate(saran_rows(period=period, unit_codes=unit_codes), start=2):
        for column, value in enumerate(values, start=1):
            set_cell(sheet, row, column, value, decimals=0 if column >= 5 else None)
    add_filter(sheet, len(SARAN_HEADER), row)


_RENCANA_TEXT_COLUMNS = {
    RENCANA_HEADER.index(title) + 1
    for title in ("Unit", "Unsur Prioritas", "Rencana Tindak Lanjut", "Penanggung Jawab", "Bukti")
}


_COUNT_COLUMNS = {REKAP_HEADER.index("No") + 1, REKAP_HEADER.index("Jumlah Resp.") + 1}


def _write_row(sheet: Worksheet, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        is_count = column in _COUNT_COLUMNS
        cell = set_cell(sheet, row, column, value, decimals=0 if is_count else 2)
        if column == 2:
            cell.alignment = WRAP
