"""Text bound for a spreadsheet stays text: what Excel or LibreOffice would run as a formula (a cell
starting with = + - @, or a tab or carriage return before one) is made inert.

Excel files mark such a cell as text (reports.documents.cells); a CSV has no cell types, so the
value gets a leading apostrophe, the mark spreadsheets themselves use for "text as typed". Imports
take that apostrophe off again, so an exported file re-imports to the same values.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


# What an .xlsx file cannot hold (XML 1.0): C0 controls but tab and line breaks, lone surrogates,
# U+FFFE and U+FFFF. Inputs refuse them (skm_portal.plain_text); text stored before that, or typed
# where no rule checks, is written without them rather than as a file Excel calls damaged.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xlsx_value(value: Any) -> Any:
    """A value as an Excel cell can hold it: text without the characters above; others as they are."""
    return _NOT_IN_XML.sub("", value) if isinstance(value, str) else value


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
