"""Spreadsheet cells that stay what they are: text a spreadsheet would run as a formula is kept as text.
And the one look of every table of the portal's workbooks: a styled header row that stays in view,
set column widths and a filter on every column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from skm_portal.spreadsheets import looks_like_formula, xlsx_value

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")


def set_cell(sheet: Worksheet, row: int, column: int, value: Any, *, decimals: int | None = None) -> Cell:
    """Write a cell; text that a spreadsheet would run as a formula is stored as plain text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value = xlsx_value(value)
    if looks_like_formula(value):
        cell.data_type = "s"
    if decimals is not None and isinstance(value, (int, float)):
        cell.number_format = "0." + "0" * decimals if decimals else "0"
    return cell


def write_header(sheet: Worksheet, titles: Sequence[str], widths: Sequence[float], *, freeze: str = "A2") -> None:
    """Row 1 of a table: the titles styled, the column widths, the header (and columns left of
    `freeze`) kept in view while scrolling."""
    for column, title in enumerate(titles, start=1):
        cell = set_cell(sheet, 1, column, title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
    _set_widths(sheet, widths)
    sheet.freeze_panes = freeze


def write_only_header(
    sheet: WriteOnlyWorksheet, titles: Sequence[str], widths: Sequence[float], *, freeze: str = "A2"
) -> None:
    """write_header for a streamed sheet: called before any other row is appended."""
    _set_widths(sheet, widths)
    sheet.freeze_panes = freeze
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        cells.append(cell)
    sheet.append(cells)


def add_filter(sheet: Worksheet | WriteOnlyWorksheet, columns: int, last_row: int) -> None:
    """A filter on every column of the table from the header (row 1) to `last_row`."""
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(last_row, 1)}"


def _set_widths(sheet: Worksheet | WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
