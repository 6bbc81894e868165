"""Reading the `.csv` and `.xlsx` files that imports accept, with row-numbered errors, within bounds.

A file is read as text cells in frames of rows (pandas DataFrames, column by column, which is how
a large import validates fast) or, for small files, row by row. Row numbers are those a
spreadsheet shows: the header is row 1, the first data row is row 2, blank rows count.

Every step is bounded, so a small hostile file cannot take a worker down: the header may be at
most the known columns plus a margin wide (checked before any data row is read), cells past the
header's width are not kept, a file has at most TABLE_MAX_ROWS rows (an .xlsx XLSX_MAX_ROWS,
see skm_portal.xlsx), and an import reports the first problems and counts the rest
(skm_portal.import_problems).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePath
from typing import BinaryIO

import pandas as pd
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from skm_portal.import_problems import ImportFailed, RowError, refuse
from skm_portal.spreadsheets import csv_unmark
from skm_portal.xlsx import cell_text, cell_texts, xlsx_rows

TABLE_MAX_ROWS = 1_048_576  # the last row of a spreadsheet: more is no questionnaire file
HEADER_MARGIN = 10  # columns a file may carry besides the known ones (a row number, notes)
FRAME_ROWS = 50_000  # rows per frame: a few MB of cells, enough for numpy to pay off
FIRST_FRAME_ROWS = 5_000  # a small first frame: the database starts storing sooner
_DECODE_CHUNK = 1024 * 1024
CSV_LINE_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Frames:
    """A file's named columns (lower case) and its data rows in frames, read once: each frame's
    cells are text as in the file (an .xlsx's numbers and dates written as a CSV has them), its
    index the row numbers."""

    columns: tuple[str, ...]
    frames: Iterator[pd.DataFrame]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Iterator[tuple[int, dict[str, str]]]  # (row number, cleaned text by column), blank rows left out


def read_frames(
    source: BinaryIO, filename: str, *, required: Sequence[str], known: Sequence[str], rows: int = FRAME_ROWS
) -> Frames:
    """Parse a CSV (UTF-8, comma or semicolon) or the first sheet of an XLSX from a binary file open
    for reading (a CSV is read as a stream: never whole in memory); column names are
    case-insensitive. `known` are the columns the importer reads: the header is checked against
    them at once, and every named column is kept (a row is blank only if all of them are empty).
    Cells are not cleaned (see clean); running out of rows without a data row raises ImportFailed."""
    suffix = PurePath(filename).suffix.lower()
    if _blank(source):
        raise refuse(_("the file is empty"))
    max_columns = len(known) + HEADER_MARGIN
    if suffix == ".csv":
        header, frames = _csv_frames(source, max_columns, rows)
    elif suffix == ".xlsx":
        header, frames = _xlsx_frames(source, max_columns, rows)
    else:
        raise refuse(_("unsupported file type %(suffix)s: use .csv or .xlsx") % {"suffix": suffix or "?"})
    names = _checked_header(header, required, known, max_columns)
    return Frames(columns=tuple(names), frames=_bounded(frames, names))


def read_table(data: bytes, filename: str, *, required: Sequence[str], known: Sequence[str]) -> Table:
    """read_frames of a file's bytes row by row, cleaned, without the blank rows: for files of a few
    thousand rows."""
    frames = read_frames(io.BytesIO(data), filename, required=required, known=known)
    return Table(columns=frames.columns, rows=_table_rows(frames))


def clean(value: str) -> str:
    """A cell as the importers read it: without surrounding spaces and without the text mark a
    formula-safe export put before a formula sign (skm_portal.spreadsheets)."""
    return csv_unmark(value.strip())


def _table_rows(frames: Frames) -> Iterator[tuple[int, dict[str, str]]]:
    names = [name for name in frames.columns if name]
    for frame in frames.frames:
        for number, *cells in frame.itertuples(name=None):
            values = {name: clean(cell) for name, cell in zip(names, cells, strict=True)}
            if any(values.values()):
                yield number, values


def _checked_header(header: list[str], required: Sequence[str], known: Sequence[str], max_columns: int) -> list[str]:
    if len(header) > max_columns:
        raise refuse(
            _("the header has %(count)s columns; a file may have at most %(max)s (the known columns: %(known)s)")
            % {"count": len(header), "max": max_columns, "known": ", ".join(known)},
            row=1,
        )
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise ImportFailed([RowError(1, c, _("required column is missing")) for c in missing])
    duplicated = sorted(c for c, n in Counter(names).items() if c and n > 1)
    if duplicated:
        raise ImportFailed([RowError(1, c, _("column appears more than once")) for c in duplicated])
    return names


def _bounded(frames: Iterator[pd.DataFrame], names: list[str]) -> Iterator[pd.DataFrame]:
    """The frames with the named columns only, named; refuses a file past TABLE_MAX_ROWS or without a
    data row."""
    kept = [index for index, name in enumerate(names) if name]
    found = False
    for frame in frames:
        if frame.empty:
            continue
        if frame.index[-1] > TABLE_MAX_ROWS:
            raise refuse(
                _("the file has more than %(max)s rows; split it into smaller files") % {"max": TABLE_MAX_ROWS - 1}
            )
        frame = frame.iloc[:, kept]
        frame.columns = [names[index] for index in kept]
        if not found:  # cleaned, until a frame has a data row: usually the first
            found = any(clean(cell) for cell in frame.to_numpy().ravel() if cell)
        yield frame
    if not found:
        raise refuse(_("the file has a header but no data rows"))


def _blank(source: BinaryIO) -> bool:
    """Whether the file has nothing but white space (read until it has something else)."""
    source.seek(0)
    while chunk := source.read(_DECODE_CHUNK):
        if chunk.strip():
            source.seek(0)
            return False
    return True


def _csv_frames(source: BinaryIO, max_columns: int, rows: int) -> tuple[list[str], Iterator[pd.DataFrame]]:
    _check_utf8(source)
    first_line = source.readline(_DECODE_CHUNK).decode("utf-8-sig", errors="replace")
    # Spreadsheets set to Indonesian save CSV with semicolons.
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    source.seek(0)
    lines = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        # Only the header's record is parsed: a header wider than allowed is refused before the rest.
        header = next(csv.reader(lines, delimiter=delimiter), [])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's words, in English
            limit = number_format(csv.field_size_limit(), force_grouping=True)
            raise refuse(_("a header cell is longer than %(max)s characters") % {"max": limit}, row=1) from None
        raise ImportFailed([RowError(1, "-", _("the CSV is malformed: %(error)s") % {"error": exc})]) from None
    finally:
        lines.detach()  # the source stays open for the rows
    if len(header) > max_columns:
        return header, iter(())
    source.seek(0)
    return header, _csv_chunks(source, delimiter, len(header), rows)


def _csv_chunks(source: BinaryIO, delimiter: str, width: int, rows: int) -> Iterator[pd.DataFrame]:
    # Every cell as text, as written: no guessing of types or missing values. Rows longer than the
    # header lose the extra cells, shorter ones get empty cells.
    reader = pd.read_csv(
        source, sep=delimiter, header=0, names=range(width), usecols=range(width), dtype=object,
        na_filter=False, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig", iterator=True,
        engine="c", quoting=csv.QUOTE_MINIMAL, doublequote=True,
    )  # fmt: skip
    size = min(rows, FIRST_FRAME_ROWS)
    try:
        with reader:
            while True:
                try:
                    frame = reader.get_chunk(size)
                except StopIteration:
                    return
                frame.index += 2  # row numbers: the header is row 1
                yield frame
                size = rows
    except pd.errors.ParserError as exc:
        # pandas counts records from 0 with the header, the import from 1: its "row 4" is our row 5.
        if unclosed := _UNCLOSED_QUOTE.search(str(exc)):
            problem = _('a quoted cell is never closed (a " is missing); the rest of the file was read as its text')
            raise ImportFailed([RowError(int(unclosed[1]) + 1, "-", problem)]) from None
        raise ImportFailed([RowError(None, "-", _("the CSV is malformed: %(error)s") % {"error": exc})]) from None


_UNCLOSED_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _check_utf8(source: BinaryIO) -> None:
    """Refuses a file that is not UTF-8, naming the line of the first bad byte, or with a line longer
    than CSV_LINE_MAX_BYTES (the parsers would hold all its cells: 200 MB of commas took 2 GB);
    leaves the file at its start."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    run = 0  # bytes since the last line end: a line that long spans chunks
    source.seek(0)
    while True:
        chunk = source.read(_DECODE_CHUNK)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            line = lines + chunk[: max(exc.start, 0)].count(b"\n")
            raise ImportFailed(
                [RowError(line, "-", _('the file is not UTF-8 text; save it as "CSV UTF-8" and import again'))]
            ) from None
        if not chunk:
            break
        first = chunk.find(b"\n")
        run += len(chunk) if first < 0 else first
        if run > CSV_LINE_MAX_BYTES:
            raise refuse(_("the line is longer than 1 MB; no row of questionnaires is that long"), row=lines)
        if first >= 0:
            run = len(chunk) - chunk.rfind(b"\n") - 1
        lines += chunk.count(b"\n")
    source.seek(0)


def _xlsx_frames(source: BinaryIO, max_columns: int, rows: int) -> tuple[list[str], Iterator[pd.DataFrame]]:
    sheet_rows = xlsx_rows(source, max_columns=max_columns)
    first = next(sheet_rows, None)
    if first is None:
        raise refuse(_("the file is empty"))
    header = [cell_text(cell) for cell in first]
    return header, _xlsx_chunks(sheet_rows, len(header), rows)


def _xlsx_chunks(sheet_rows: Iterator[list[object]], width: int, rows: int) -> Iterator[pd.DataFrame]:
    number, size = 2, min(rows, FIRST_FRAME_ROWS)
    while chunk := list(islice(sheet_rows, size)):
        size = rows
        grid = [row[:width] + [""] * (width - len(row)) for row in chunk]
        columns = {index: cell_texts(column) for index, column in enumerate(zip(*grid, strict=True))}
        yield pd.DataFrame(columns, index=range(number, number + len(grid)), dtype=object)
        number += len(grid)
