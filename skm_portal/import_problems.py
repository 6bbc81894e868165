"""The problems of an import: row-numbered, the first ERRORS_SHOWN listed, all of them counted."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

ERRORS_SHOWN = 100
SHOWN_VALUE_LENGTH = 40  # a value quoted in a problem: enough to find it, never a page of it
# Control characters (C0, C1, DEL) and noncharacters of a quoted value, written as escapes: a
# terminal would obey them (clear the screen, retitle the window) and a page show garbage.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")

Message = str | Callable[[], str]


def shown(value: object) -> str:
    """A value as a problem quotes it: shortened, its control characters escaped (\\x1b)."""
    text = str(value)
    text = text if len(text) <= SHOWN_VALUE_LENGTH else text[:SHOWN_VALUE_LENGTH] + "…"
    return _UNPRINTABLE.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the problem is the file's, not one row's
    column: str
    problem: str

    def stable(self) -> str:
        """As the import commands print it in any language (../shared/docs/interfaces.md: scripts
        read `row N: column: problem`)."""
        if self.row is None:
            return f"file: {self.problem}"
        return f"row {self.row}: {self.column}: {self.problem}"

    def __str__(self) -> str:
        # For people, in the active language (Indonesian: "baris 3: u2: ..."); the row number stays
        # ungrouped, as a spreadsheet shows it.
        if self.row is None:
            return gettext("file: %(problem)s") % {"problem": self.problem}
        return gettext("row %(row)s: %(column)s: %(problem)s") % {
            "row": self.row,
            "column": self.column,
            "problem": self.problem,
        }


class ImportFailed(Exception):
    """The file cannot be imported; nothing was written. Carries the first problems found and how many
    there were in all."""

    def __init__(self, errors: Sequence[RowError], total: int | None = None):
        self.errors = list(errors)
        self.total = max(total or 0, len(self.errors))
        super().__init__("\n".join(self.lines()))

    @property
    def more(self) -> int:
        """Problems found but not listed."""
        return self.total - len(self.errors)

    def lines(self, *, stable: bool = False) -> list[str]:
        """Each listed problem (`stable`: as RowError.stable has it), then "and N more problems" when
        there were more."""
        lines = [error.stable() if stable else str(error) for error in self.errors]
        if self.more:
            more = number_format(self.more, force_grouping=True)
            lines.append(ngettext("and %(n)s more problem", "and %(n)s more problems", self.more) % {"n": more})
        return lines


class Problems:
    """The problems of one import: the first ERRORS_SHOWN kept, all of them counted."""

    def __init__(self, shown: int = ERRORS_SHOWN):
        self.shown = shown
        self.errors: list[RowError] = []
        self.total = 0

    def add(self, error: RowError) -> None:
        self.total += 1
        if len(self.errors) < self.shown:
            self.errors.append(error)

    def note(self, row: int | None, column: str, message: Message) -> None:
        """A problem whose message may be made only if it is listed (a callable): a file of a
        million bad rows costs a count, not a million formatted sentences."""
        self.total += 1
        if len(self.errors) < self.shown:
            self.errors.append(RowError(row, column, message() if callable(message) else message))

    def __bool__(self) -> bool:
        return self.total > 0

    def failure(self) -> ImportFailed:
        return ImportFailed(self.errors, self.total)


def refuse(problem: str, row: int | None = None, column: str = "-") -> ImportFailed:
    """The failure of a whole file (or of its header) for one reason."""
    return ImportFailed([RowError(row, column, problem)])
