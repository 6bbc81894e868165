"""The database's own limit that the bench scripts time next to the project's steps: one GROUP BY
over a period's responses (every figure of a city report comes down to it), and storing rows that
are already in the table's format."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection, transaction

from surveys.models import UNSUR_FIELDS, Response

GROUP_BY = (
    "SELECT unit_id, count(*), "
    + ", ".join(f"sum({name})" for name in UNSUR_FIELDS)
    + f" FROM {Response._meta.db_table} WHERE period_id = %s GROUP BY unit_id"
)


def group_by(period_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(GROUP_BY, [period_id])
        return cursor.fetchall()


def timings(step: Callable[[], object], runs: int) -> tuple[float, float]:
    """Best and median seconds of `runs` runs of `step`."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    return min(seconds), statistics.median(seconds)


def rows_stored_again() -> float:
    """Seconds the database takes to store the responses it holds once more, from rows already in
    the table's format (PostgreSQL: COPY; SQLite: executemany), committed (the foreign-key checks
    run then), in one transaction: what an import cannot do faster. The copies are deleted after."""
    fields = [f for f in Response._meta.local_concrete_fields if not f.primary_key and f.name != "submission_id"]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    rows = list(Response.objects.values_list(*(f.attname for f in fields)))
    last_id = Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    table = Response._meta.db_table
    with connection.cursor() as cursor:
        start = time.perf_counter()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        seconds = time.perf_counter() - start
    Response.objects.filter(pk__gt=last_id).delete()
    return seconds
