"""Reading the `.csv` and `.xlsx` files that imports accept, with row-numbered errors, within bounds.

Row numbers are those a spreadsheet shows: the header is row 1, the first data row is row 2.
Every step is bounded, so a small hostile file cannot take a worker down: the header may be at
most the known columns plus a margin wide (checked before any data row is read), cells past the
header's width are not kept, a file has at most TABLE_MAX_ROWS rows (an .xlsx XLSX_MAX_ROWS,
see skm_portal.xlsx), and an import reports the first problems and counts the rest
(skm_portal.import_problems).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from django.utils.translation import gettext as _

from skm_portal.import_problems import ImportFailed, RowError, refuse
from skm_portal.spreadsheets import csv_unmark
from skm_portal.xlsx import xlsx_rows

Value = str | int | float | bool | date | datetime

TABLE_MAX_ROWS = 1_048_576  # the last row of a spreadsheet: more is no questionnaire file
HEADER_MARGIN = 10  # columns a file may carry besides the known ones (a row number, notes)


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Iterator[tuple[int, dict[str, Value]]]  # (spreadsheet row number, value by column), read once


def read_table(data: bytes, filename: str, *, required: Sequence[str], known: Sequence[str]) -> Table:
    """Parse a CSV (UTF-8, comma or semicolon) or the first sheet of an XLSX; column names are
    case-insensitive. `known` are the columns the importer reads (others are ignored).

    The header is checked at once; the data rows come one at a time, and running out of them
    without a single data row raises ImportFailed.
    """
    suffix = PurePath(filename).suffix.lower()
    if not data.strip():
        raise refuse(_("the file is empty"))
    max_columns = len(known) + HEADER_MARGIN
    if suffix == ".csv":
        raw_rows = _csv_rows(data)
    elif suffix == ".xlsx":
        raw_rows = xlsx_rows(data, max_columns=max_columns)
    else:
        raise refuse(_("unsupported file type %(suffix)s: use .csv or .xlsx") % {"suffix": suffix or "?"})
    first = next(raw_rows, None)
    if first is None:
        raise refuse(_("the file is empty"))
    if len(first) > max_columns:
        raise refuse(
            _("the header has %(count)s columns; a file may have at most %(max)s (the known columns: %(known)s)")
            % {"count": len(first), "max": max_columns, "known": ", ".join(known)},
            row=1,
        )
    header = [str(c).strip().lower() if c is not None else "" for c in first]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailed([RowError(1, c, _("required column is missing")) for c in missing])
    duplicated = sorted(c for c, n in Counter(header).items() if c and n > 1)
    if duplicated:
        raise ImportFailed([RowError(1, c, _("column appears more than once")) for c in duplicated])
    return Table(columns=tuple(header), rows=_data_rows(header, raw_rows))


def _data_rows(header: list[str], raw_rows: Iterator[Sequence[object]]) -> Iterator[tuple[int, dict[str, Value]]]:
    columns = [(i, col) for i, col in enumerate(header) if col]
    found = False
    for number, raw in enumerate(raw_rows, start=2):
        if number > TABLE_MAX_ROWS:
            raise refuse(
                _("the file has more than %(max)s rows; split it into smaller files") % {"max": TABLE_MAX_ROWS - 1}
            )
        # Only the header's columns are read: cells to their right are ignored.
        values = {col: _clean(raw[i] if i < len(raw) else None) for i, col in columns}
        if any(v != "" for v in values.values()):  # blank lines are not responses
            found = True
            yield number, values
    if not found:
        raise refuse(_("the file has a header but no data rows"))


def _clean(value: object) -> Value:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_unmark(value.strip())
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
