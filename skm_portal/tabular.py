"""Reading the `.csv` and `.xlsx` files that imports accept, with row-numbered errors.

Row numbers are those a spreadsheet shows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.utils.translation import gettext as _
from openpyxl import load_workbook

Value = str | int | float | datetime


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the problem is the file's, not one row's
    column: str
    problem: str

    def __str__(self) -> str:
        if self.row is None:
            return f"file: {self.problem}"
        return f"row {self.row}: {self.column}: {self.problem}"


class ImportFailed(Exception):
    """The file cannot be imported; nothing was written. Carries every problem found."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Iterator[tuple[int, dict[str, Value]]]  # (spreadsheet row number, value by column), read once


def read_table(data: bytes, filename: str, *, required: Sequence[str]) -> Table:
    """Parse a CSV (UTF-8, comma) or the first sheet of an XLSX; column names are case-insensitive.

    The header is checked at once; the data rows come one at a time (a CSV is never held as
    rows in memory), and running out of them without a single data row raises ImportFailed.
    """
    suffix = PurePath(filename).suffix.lower()
    if not data.strip():
        raise ImportFailed([RowError(None, "-", _("the file is empty"))])
    if suffix == ".csv":
        raw_rows = _csv_rows(data)
    elif suffix == ".xlsx":
        raw_rows = iter(_xlsx_rows(data))
    else:
        raise ImportFailed(
            [RowError(None, "-", _("unsupported file type %(suffix)s: use .csv or .xlsx") % {"suffix": suffix or "?"})]
        )
    first = next(raw_rows, None)
    if first is None:
        raise ImportFailed([RowError(None, "-", _("the file is empty"))])
    header = [str(c).strip().lower() if c is not None else "" for c in first]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailed([RowError(1, c, _("required column is missing")) for c in missing])
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if duplicated:
        raise ImportFailed([RowError(1, c, _("column appears more than once")) for c in duplicated])
    return Table(columns=tuple(header), rows=_data_rows(header, raw_rows))


def _data_rows(header: list[str], raw_rows: Iterator[Sequence[object]]) -> Iterator[tuple[int, dict[str, Value]]]:
    found = False
    for number, raw in enumerate(raw_rows, start=2):
        values = {col: _clean(raw[i] if i < len(raw) else None) for i, col in enumerate(header) if col}
        if any(v != "" for v in values.values()):  # blank lines are not responses
            found = True
            yield number, values
    if not found:
        raise ImportFailed([RowError(None, "-", _("the file has a header but no data rows"))])


def _clean(value: object) -> Value:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value  # type: ignore[return-value]


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            [RowError(line, "-", _('the file is not UTF-8 text; save it as "CSV UTF-8" and import again'))]
        ) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian save CSV with semicolons.
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFailed(
            [RowError(reader.line_num, "-", _("the CSV is malformed: %(error)s") % {"error": exc})]
        ) from None


def _xlsx_rows(data: bytes) -> list[list[object]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFailed([RowError(None, "-", _("the file is not an .xlsx spreadsheet"))]) from None
    try:
        return _sheet_rows(workbook.worksheets[0])
    except ImportFailed:
        raise
    except Exception:  # a damaged sheet inside a valid zip (cut XML, bad styles): openpyxl raises anything
        raise ImportFailed([RowError(None, "-", _("the file is not an .xlsx spreadsheet"))]) from None
    finally:
        workbook.close()


def _sheet_rows(sheet) -> list[list[object]]:
    rows: list[list[object]] = []
    header: list[str] = []
    errors: list[RowError] = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = []
        for index, cell in enumerate(cells):
            if cell.data_type == "f":
                column = header[index] if index < len(header) and header[index] else f"#{index + 1}"
                errors.append(RowError(number, column, _("formulas are not accepted; paste values only")))
            values.append(cell.value)
        if number == 1:
            header = [str(v).strip().lower() if v is not None else "" for v in values]
        rows.append(values)
    if errors:
        raise ImportFailed(errors)
    return rows
