#!/usr/bin/env python
"""A reference-sized period (79 units, 14.249 responses) through the portal's commands, each next to
the database's own limit in the same run: an import beside the database storing the same rows
again (COPY on PostgreSQL, executemany on SQLite, committed), a report beside one GROUP BY over
the period's responses.

    .venv/bin/python bench/reference_period.py            # fresh SQLite file in a temp folder
    DATABASE_URL=postgres://... .venv/bin/python bench/reference_period.py   # a scratch database

Prints best times and the ratios.
"""

from __future__ import annotations

import io
import random

import _django  # bench/ is on the path when a script runs

WORK = _django.setup()

from _baseline import group_by, rows_stored_again, timings  # noqa: E402  (needs Django set up)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from reports.demo.reference import REFERENCE_FILE, demo_response_rows  # noqa: E402
from surveys.models import ImportBatch, Period, Response  # noqa: E402
from tests.conftest import write_csv, write_xlsx  # noqa: E402

PERIOD = "2023-S2"
REPORT_RUNS = 5


def command(*args: str) -> None:
    call_command(*args, stdout=io.StringIO())


def main() -> None:
    quiet = io.StringIO()
    call_command("migrate", "--noinput", stdout=quiet)
    call_command("import_units", str(REFERENCE_FILE.parent / "upp-pekalongan.csv"), stdout=quiet)
    rows = demo_response_rows(seed=11)
    random.Random(11).shuffle(rows)
    csv_path = write_csv(WORK / "responses.csv", rows)
    xlsx_path = write_xlsx(WORK / "responses.xlsx", rows)

    print(f"database: {connection.vendor}; {len(rows):,} responses over 79 units")
    for path in (xlsx_path, csv_path):  # CSV last, so the reports below read its rows
        Response.objects.all().delete()
        ImportBatch.objects.all().delete()
        seconds, _ = timings(lambda path=path: command("import_responses", str(path), "--period", PERIOD), 1)
        stored = rows_stored_again()
        print(
            f"import {path.suffix[1:]:>4}: {seconds:6.2f} s ({len(rows) / seconds:,.0f} rows/s); "
            f"the database storing the same rows: {stored:.2f} s; ratio {seconds / stored:.1f}"
        )
    period_id = Period.objects.get(kode=PERIOD).pk
    base, _ = timings(lambda: group_by(period_id), REPORT_RUNS)
    for fmt in ("json", "xlsx"):
        output = str(WORK / f"report.{fmt}")
        best, median = timings(
            lambda fmt=fmt, output=output: command(
                "skm_report", "--period", PERIOD, "--format", fmt, "--output", output
            ),
            REPORT_RUNS,
        )
        print(
            f"city report {fmt:>4}: best {best * 1000:5.0f} ms, median {median * 1000:5.0f} ms "
            f"({REPORT_RUNS} runs); one GROUP BY over the period: best {base * 1000:.1f} ms; "
            f"ratio {best / base:.1f}"
        )


if __name__ == "__main__":
    main()
