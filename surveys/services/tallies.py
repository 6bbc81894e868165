"""Writing the running totals in the transaction that stores responses: the profile counts in one
statement and the unit totals in another, for one response or a whole import.

Each statement is an upsert that adds to what is stored (`count = count + excluded.count`), so
concurrent writers never lose a count: each waits for the other's row lock, then adds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model

from surveys.models import ANSWER_COUNT_FIELDS, KeyedTally, UnitTally
from surveys.tallies import TallyDelta

_ROWS_PER_STATEMENT = 500  # a statement's parameters stay far below SQLite's and PostgreSQL's limits


def tallies_add(*, period_id: int, deltas: dict[int, TallyDelta]) -> None:
    """Add what responses of a period bring to their units' tallies (`deltas` by unit id)."""
    keyed = [
        (period_id, unit_id, kind, value, count)
        for unit_id, delta in deltas.items()
        for (kind, value), count in delta.keys.items()
    ]
    upsert_rows(KeyedTally, _KEYED_COLUMNS, _KEYED_SQL, keyed)
    units = [_unit_row(period_id, unit_id, delta) for unit_id, delta in deltas.items() if delta.respondents]
    upsert_rows(UnitTally, _UNIT_COLUMNS, _unit_sql(connection.vendor), units)


def upsert_rows(model: type[Model], columns: Sequence[str], sql: str, rows: list[tuple]) -> None:
    """Run an upsert `sql` whose {rows} are `rows`: in statements of VALUES lists, or on PostgreSQL,
    when there are more rows than one such statement takes (an import), in one statement of one
    array per column (its text stays short however many rows: psycopg prepares it in no time)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > _ROWS_PER_STATEMENT:
            arrays = ", ".join(f"%s::{kind}[]" for kind in _column_types(model, tuple(columns)))
            arrays_of_rows = [list(column) for column in zip(*rows, strict=True)]
            cursor.execute(sql.format(rows=f"SELECT * FROM unnest({arrays})"), arrays_of_rows)
            return
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start : start + _ROWS_PER_STATEMENT]
            values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            cursor.execute(sql.format(rows=f"VALUES {values}"), [value for row in chunk for value in row])


@cache
def _column_types(model: type[Model], columns: tuple[str, ...]) -> list[str]:
    return [model._meta.get_field(name.removesuffix("_id")).db_type(connection) for name in columns]


def _when(moment: datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(moment) if moment is not None else None


def _unit_row(period_id: int, unit_id: int, delta: TallyDelta) -> tuple:
    return (
        period_id, unit_id, delta.respondents, *delta.answer_counts, delta.answer_square_sum,
        _when(delta.first_filled_at), _when(delta.last_filled_at), delta.duplicates, _when(delta.first_duplicate_at),
        delta.pattern_candidate, delta.pattern_lead,
    )  # fmt: skip


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


_KEYED_TABLE = KeyedTally._meta.db_table
_KEYED_COLUMNS = ("period_id", "unit_id", "kind", "value", "count")
_KEYED_SQL = (
    f"INSERT INTO {_KEYED_TABLE} ({', '.join(_KEYED_COLUMNS)}) {{rows}} "
    f"ON CONFLICT (period_id, unit_id, kind, value) DO UPDATE SET count = {_KEYED_TABLE}.count + excluded.count"
)
_ADDED = ("respondents", *ANSWER_COUNT_FIELDS, "answer_square_sum", "duplicates")
_UNIT_COLUMNS = (
    "period_id", "unit_id", "respondents", *ANSWER_COUNT_FIELDS, "answer_square_sum", "first_filled_at",
    "last_filled_at", "duplicates", "first_duplicate_at", "pattern_candidate", "pattern_lead",
)  # fmt: skip


@cache
def _unit_sql(vendor: str) -> str:
    """The unit totals' upsert: counts add up, the span widens, the majority votes merge
    (surveys.tallies.merged_vote). Built per vendor: LEAST/GREATEST are MIN/MAX in SQLite."""
    table = UnitTally._meta.db_table
    least, greatest = ("MIN", "MAX") if vendor == "sqlite" else ("LEAST", "GREATEST")

    def stored(name: str) -> str:
        return f"{table}.{_quote(name)}"

    def new(name: str) -> str:
        return f"excluded.{_quote(name)}"

    def either(function: str, name: str) -> str:  # NULL is "not known yet", never the answer
        return f"{function}(COALESCE({stored(name)}, {new(name)}), COALESCE({new(name)}, {stored(name)}))"

    same = f"{stored('pattern_candidate')} = {new('pattern_candidate')}"
    ahead = f"{stored('pattern_lead')} >= {new('pattern_lead')}"
    updates = [
        *(f"{_quote(name)} = {stored(name)} + {new(name)}" for name in _ADDED),
        f"first_filled_at = {either(least, 'first_filled_at')}",
        f"last_filled_at = {either(greatest, 'last_filled_at')}",
        f"first_duplicate_at = {either(least, 'first_duplicate_at')}",
        # Both read the stored row as it was: SET sees the old values.
        f"pattern_candidate = CASE WHEN {same} OR ({ahead} AND {stored('pattern_lead')} > 0) "
        f"THEN {stored('pattern_candidate')} ELSE {new('pattern_candidate')} END",
        f"pattern_lead = CASE WHEN {same} THEN {stored('pattern_lead')} + {new('pattern_lead')} "
        f"WHEN {ahead} THEN {stored('pattern_lead')} - {new('pattern_lead')} "
        f"ELSE {new('pattern_lead')} - {stored('pattern_lead')} END",
    ]
    columns = ", ".join(_quote(name) for name in _UNIT_COLUMNS)
    return (
        f"INSERT INTO {table} ({columns}) {{rows}} ON CONFLICT (period_id, unit_id) DO UPDATE SET {', '.join(updates)}"
    )
