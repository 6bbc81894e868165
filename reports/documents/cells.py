"""Spreadsheet cells that stay what they are: text a spreadsheet would run as a formula is kept as text."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from skm_portal.spreadsheets import looks_like_formula


def set_cell(sheet: Worksheet, row: int, column: int, value: Any, *, decimals: int | None = None) -> Cell:
    """Write a cell; text that a spreadsheet would run as a formula is stored as plain text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
    if decimals is not None and isinstance(value, (int, float)):
        cell.number_format = "0." + "0" * decimals if decimals else "0"
    return cell
