"""The first sheet of an .xlsx as rows of values, within bounds.

python-calamine reads the values (about ten times openpyxl's speed, and it trusts no `<dimension>`
record: it reads the cells that are there). But it keeps the whole used range as a dense grid,
and it reads a formula cell without a stored result as empty. So the sheet's XML is scanned
first, streamed in chunks: a cell right of `max_columns` or below XLSX_MAX_ROWS refuses the file
at once (one cell at XFD1048576 would make the grid 17 billion cells), and every formula cell is
refused with its row and column. Zip members are read no further than their limits.

A cell of text usually points into the shared strings, so a short sheet can make calamine copy one
long string into every cell (19 KB of zip became 3,4 GB). The scan also collects those pointers and
the shared strings are measured, streamed: the text of all cells together is bounded before calamine
reads anything.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from posixpath import dirname, join, normpath
from typing import BinaryIO
from xml.etree import ElementTree

import numpy as np
import python_calamine
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from skm_portal.import_problems import ERRORS_SHOWN, ImportFailed, RowError, refuse

XLSX_MAX_ROWS = 200_000  # the grid in memory stays a few hundred MB; larger files go as CSV
SHEET_XML_MAX_BYTES = 512 * 1024 * 1024  # decompressed: a zip bomb stops here
SHARED_STRINGS_MAX_BYTES = 128 * 1024 * 1024  # decompressed
CELL_TEXT_MAX_LENGTH = 32_767  # Excel's own limit of a cell
TEXT_MAX_CHARACTERS = 100_000_000  # all cells' shared text together: 200.000 rows of 500 characters
PART_XML_MAX_BYTES = 5 * 1024 * 1024  # workbook.xml and its relations
_CHUNK = 1024 * 1024

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# An opening tag of a row, a cell or a formula, with or without a namespace prefix.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|f)(?=[\s/>])([^>]*)>")
# The position attribute r of a cell ("B12") or a row ("12"), in either quotes. One that says anything
# else (an entity, spaces) refuses the file: its cell could lie anywhere.
_POSITION = re.compile(rb"\sr\s*=\s*([\"'])(.*?)\1", re.DOTALL)
# A position attribute (a tag with two is no XML: calamine believes the last, a scan the first).
_ANY_POSITION = re.compile(rb"\sr\s*=")
_CELL_REF = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_REF = re.compile(rb"[0-9]{1,7}")
# The fast check of a chunk (_SheetScan._plain).
_FORMULA_OR_PREFIX = re.compile(rb"<(?:f[\s/>]|/?[A-Za-z_][\w.-]*:)")
_ROW_OPENING = re.compile(rb"<row[\s/>]")
# A plain row or cell tag has its position once, first; a cell's type, if any, is written t="...".
_PLAIN_ROW = re.compile(rb'<row r="[0-9]{1,7}"(?=[\s/>])(?![^>]*\sr\s*=)')
_CELL_OPENING = re.compile(rb"<c[\s/>]")
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})[0-9]{1,7}"(?=[\s/>])(?![^>]*?(?:\sr\s*=|\st(?:\s+=|=\s|=\x27)))')
_FAR_ROW = re.compile(rb'<(?:row r="|c r="[A-Z]{1,3})([0-9]{6,7})"')
# A cell of shared text (type "s") and the index of its string: as spreadsheet programs write it
# (_SheetScan._plain) and as any writer may (_follow).
_PLAIN_SHARED = re.compile(rb't="s"[^>]*><v>([0-9]{1,9})</v>')
_SHARED_TYPE = re.compile(rb"(?:^|\s)t\s*=\s*([\"'])s\1")
_VALUE = re.compile(rb"\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*([0-9]{1,9})\s*<")
_SHARED_STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def not_a_spreadsheet():
    return refuse(_("the file is not an .xlsx spreadsheet"))


def column_letters(index: int) -> str:
    """1 -> A, 28 -> AB, 16384 -> XFD."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_position(ref: bytes) -> tuple[int, int]:
    """(column, row) of a cell reference such as b"AB12"."""
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        raise not_a_spreadsheet()
    return _column_index(match.group(1)), int(match.group(2))


def _column_index(letters: bytes) -> int:
    """b"A" -> 1, b"ab" -> 28."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + letter - 64
    return index


def _row_number(ref: bytes) -> int:
    if not _ROW_REF.fullmatch(ref):
        raise not_a_spreadsheet()
    return int(ref)


def cell_text(value: object) -> str:
    """A cell's value as a CSV of the sheet would have it: 34.0 is "34", a date "2023-08-01", a
    time of day "2023-08-01 09:30" (with seconds only when it has them)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M" if not (value.second or value.microsecond) else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def cell_texts(values: Sequence[object]) -> list[str]:
    """cell_text of each value; a column of text or of whole numbers (nearly every column of a
    questionnaire file) without a call per cell."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return list(values)
    if kinds == {float}:
        numbers = np.array(values, dtype=np.float64)
        if ((numbers == np.trunc(numbers)) & (np.abs(numbers) < 2**53)).all():  # exact as integers
            return numbers.astype(np.int64).astype(str).tolist()
    return [cell_text(value) for value in values]


def xlsx_rows(source: BinaryIO, *, max_columns: int) -> Iterator[list[object]]:
    """The rows of the first sheet (of a binary file open for reading) from row 1, each a list of
    cell values by column (A first)."""
    try:
        archive = zipfile.ZipFile(source)
        sheet_path, shared_paths = _part_paths(archive)
        scan = _scan_sheet(archive, sheet_path, max_columns)
        _check_shared_text(archive, shared_paths, scan.shared)
        source.seek(0)
        sheet = python_calamine.CalamineWorkbook.from_filelike(source).get_sheet_by_index(0)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, python_calamine.CalamineError, ValueError):
        raise not_a_spreadsheet() from None
    return _rows(sheet, scan.formulas)


class _Formulas:
    """Where the formula cells are: the first ERRORS_SHOWN as (row, column), all of them counted."""

    def __init__(self):
        self.cells: list[tuple[int, int]] = []
        self.total = 0

    def add(self, row: int, column: int) -> None:
        self.total += 1
        if len(self.cells) < ERRORS_SHOWN:
            self.cells.append((row, column))


def _rows(sheet, formulas: _Formulas) -> Iterator[list[object]]:
    start = sheet.start
    if start is None:  # no cell at all
        return
    padding = [""] * start[1]  # calamine leaves out empty columns on the left; rows start at row 1
    rows = sheet.iter_rows()
    header = next(rows, None)
    if header is None:
        return
    header = padding + header
    if formulas.total:
        names = [str(name).strip().lower() for name in header]
        errors = [
            RowError(
                row,
                names[column - 1] if 0 < column <= len(names) and names[column - 1] else column_letters(column),
                _("formulas are not accepted; paste values only"),
            )
            for row, column in formulas.cells
        ]
        raise ImportFailed(errors, formulas.total)
    yield header
    for row in rows:
        yield padding + row


def _read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise not_a_spreadsheet()
    with archive.open(info) as part:
        return part.read(limit + 1)[:limit]


def _part_paths(archive: zipfile.ZipFile) -> tuple[str, set[str]]:
    """The zip members of the workbook's first sheet (workbook.xml names it, its relations locate it)
    and of its shared strings (where the relations say, and where readers look without them)."""
    workbook = ElementTree.fromstring(_read_part(archive, "xl/workbook.xml", PART_XML_MAX_BYTES))
    first = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if first is None:
        raise not_a_spreadsheet()
    relations = ElementTree.fromstring(_read_part(archive, "xl/_rels/workbook.xml.rels", PART_XML_MAX_BYTES))
    sheet, shared = None, {"xl/sharedStrings.xml"}
    for relation in relations.iter(f"{_PACKAGE_RELS}Relationship"):
        target = relation.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else normpath(join(dirname("xl/workbook.xml"), target))
        if relation.get("Id") == first.get(_RELATIONSHIP_ID):
            sheet = path
        elif relation.get("Type") == _SHARED_STRINGS_TYPE:
            shared.add(path)
    if sheet is None:
        raise not_a_spreadsheet()
    return sheet, {path for path in shared if path in archive.namelist()}


def _check_shared_text(archive: zipfile.ZipFile, paths: set[str], indices: list[np.ndarray]) -> None:
    """Refuses a shared string longer than a cell may hold, or cells whose shared text adds up past
    TEXT_MAX_CHARACTERS (`indices`: the shared strings the cells point to)."""
    pointed = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    for path in paths:
        lengths = np.asarray(_shared_lengths(archive, path), dtype=np.int64)
        found = pointed[pointed < len(lengths)]
        if int(lengths[found].sum()) > TEXT_MAX_CHARACTERS:
            raise refuse(
                _("the cells hold more than %(max)s characters of text together; import the file as CSV")
                % {"max": number_format(TEXT_MAX_CHARACTERS, force_grouping=True)}
            )


def _shared_lengths(archive: zipfile.ZipFile, path: str) -> list[int]:
    """The length of each shared string, in order; streamed, within SHARED_STRINGS_MAX_BYTES."""
    if archive.getinfo(path).file_size > SHARED_STRINGS_MAX_BYTES:
        raise refuse(_("the sheet is too large; split the file or save it as CSV"))
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    lengths: list[int] = []
    read = 0
    root = None
    with archive.open(path) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > SHARED_STRINGS_MAX_BYTES:
                raise refuse(_("the sheet is too large; split the file or save it as CSV"))
            parser.feed(chunk)
            for event, element in parser.read_events():
                if event == "start":
                    root = element if root is None else root
                elif element.tag == f"{_MAIN}si":
                    length = sum(len(t.text or "") for t in element.iter(f"{_MAIN}t"))  # with its runs
                    if length > CELL_TEXT_MAX_LENGTH:
                        raise refuse(
                            _("a cell holds more than %(max)s characters, more than Excel allows")
                            % {"max": number_format(CELL_TEXT_MAX_LENGTH, force_grouping=True)}
                        )
                    lengths.append(length)
                    root.clear()  # the strings measured so far leave memory
    parser.close()
    return lengths


def _scan_sheet(archive: zipfile.ZipFile, path: str, max_columns: int) -> _SheetScan:
    """Where the sheet has formula cells and which shared strings its cells point to; refuses a cell
    out of bounds. Streamed: memory stays one chunk, whatever the sheet's size."""
    scan = _SheetScan(max_columns)
    read = 0
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > SHEET_XML_MAX_BYTES:
                raise refuse(_("the sheet is too large; split the file or save it as CSV"))
            text = tail + chunk
            cut = _chunk_end(text)
            text, tail = (text, b"") if cut < 0 else (text[:cut], text[cut:])
            if len(tail) > _CHUNK:  # no tag of a sheet is that long
                raise not_a_spreadsheet()
            scan.feed(text)
    scan.feed(tail)
    return scan


def _chunk_end(text: bytes) -> int:
    """Where a chunk of the sheet ends: before its last tag, which may go on in the next chunk ('<'
    never appears inside a tag), or before its last cell if that one does (a cell of shared text
    is read with its value)."""
    cut = text.rfind(b"<")
    cell = max(text.rfind(b"<c "), text.rfind(b"<c>"))
    if cell >= 0 and text.find(b"</c>", cell) < 0:
        end = text.find(b">", cell)
        if end < 0 or text[end - 1 : end] != b"/":  # an open cell, not <c .../>
            return cell
    return cut


class _SheetScan:
    """Follows the row and column of the sheet's tags as they stream by."""

    def __init__(self, max_columns: int):
        self.max_columns = max_columns
        self.formulas = _Formulas()
        self.shared: list[np.ndarray] = []  # the shared strings the cells point to, by chunk
        self.row = self.column = 0

    def feed(self, text: bytes) -> None:
        if not self._plain(text):
            self._follow(text)

    def _plain(self, text: bytes) -> bool:
        """Checks a chunk in a few passes of C code, if it is as spreadsheet programs write it: no
        formula, no namespace prefix, every row and cell with its position in double quotes (once),
        all within bounds. Anything else is followed tag by tag (_follow), which also words the error."""
        if _FORMULA_OR_PREFIX.search(text):
            return False
        if len(_ROW_OPENING.findall(text)) != len(_PLAIN_ROW.findall(text)):
            return False
        columns = _PLAIN_CELL.findall(text)
        if len(_CELL_OPENING.findall(text)) != len(columns):
            return False
        if columns and max(_column_index(letters) for letters in set(columns)) > self.max_columns:
            return False
        far_rows = _FAR_ROW.findall(text)  # rows of six or seven digits: the only ones past XLSX_MAX_ROWS
        if far_rows and max(map(int, far_rows)) > XLSX_MAX_ROWS:
            return False
        shared = text.count(b't="s"')
        pointers = _PLAIN_SHARED.findall(text) if shared else []
        if len(pointers) != shared:
            return False
        if pointers:
            self.shared.append(np.array(pointers, dtype=np.int64))
        # Where the chunk ends is where a cell without a position in the next chunk goes on from.
        last_row, last_cell = text.rfind(b'<row r="'), text.rfind(b'<c r="')
        if last_cell > last_row:
            self.column, self.row = _cell_position(_POSITION.search(text, last_cell).group(2))
        elif last_row >= 0:
            self.row, self.column = _row_number(_POSITION.search(text, last_row).group(2)), 0
        return True

    def _follow(self, text: bytes) -> None:
        pointers = []
        for match in _TAG.finditer(text):
            tag, attributes = match.group(1), match.group(2)
            if len(_ANY_POSITION.findall(attributes)) > 1:
                raise not_a_spreadsheet()  # the cell could lie anywhere
            position = _POSITION.search(attributes)
            if tag == b"row":
                self.row = _row_number(position.group(2)) if position else self.row + 1
                self.column = 0
            elif tag == b"c":
                if position:
                    self.column, self.row = _cell_position(position.group(2))
                else:
                    self.column += 1
                _check_bounds(self.row, self.column, self.max_columns)
                if _SHARED_TYPE.search(attributes) and not attributes.endswith(b"/"):
                    value = _VALUE.match(text, match.end())
                    if value is None:
                        raise not_a_spreadsheet()  # shared text without the index of its string
                    pointers.append(int(value.group(1)))
            else:  # a formula: it belongs to the cell just opened
                self.formulas.add(self.row, self.column)
        if pointers:
            self.shared.append(np.array(pointers, dtype=np.int64))


def _check_bounds(row: int, column: int, max_columns: int) -> None:
    if column > max_columns:
        raise refuse(
            _("cell %(cell)s lies right of the %(max)s columns an import reads; empty the cells to the right")
            % {"cell": f"{column_letters(column)}{row}", "max": max_columns},
            row=row,
        )
    if row > XLSX_MAX_ROWS:
        raise refuse(
            _("the sheet has data in row %(row)s; an .xlsx may have at most %(max)s rows (import larger files as CSV)")
            % {"row": row, "max": XLSX_MAX_ROWS},
        )
