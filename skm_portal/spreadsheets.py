"""Text bound for a spreadsheet stays text: what Excel or LibreOffice would run as a formula (a cell
starting with = + - @, or a tab or carriage return before one) is made inert.

Excel files mark such a cell as text (reports.documents.cells); a CSV has no cell types, so the
value gets a leading apostrophe, the mark spreadsheets themselves use for "text as typed". Imports
take that apostrophe off again, so an exported file re-imports to the same values.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_safe(value: Any) -> Any:
    """A CSV cell's value: text that looks like a formula gets the text mark; anything else as it is."""
    return TEXT_MARK + value if looks_like_formula(value) else value


def csv_unmark(value: str) -> str:
    """An imported CSV or spreadsheet text without the text mark csv_safe added (only before a formula sign)."""
    if value.startswith(TEXT_MARK) and looks_like_formula(value[1:]):
        return value[1:]
    return value
