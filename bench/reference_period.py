#!/usr/bin/env python
"""Time a reference-sized period (79 units, 14.249 responses) through the portal's commands.

    .venv/bin/python bench/reference_period.py            # fresh SQLite file in a temp folder
    DATABASE_URL=postgres://... .venv/bin/python bench/reference_period.py   # a scratch database

Prints the import time (CSV and XLSX, all rows validated and bulk-inserted in one
transaction) and the time of the city-wide JSON and XLSX reports (best of several runs).
"""

from __future__ import annotations

import io
import random
import time

import _django  # bench/ is on the path when a script runs

WORK = _django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from reports.demo.reference import REFERENCE_FILE, demo_response_rows  # noqa: E402
from surveys.models import ImportBatch, Response  # noqa: E402
from tests.conftest import write_csv, write_xlsx  # noqa: E402

PERIOD = "2023-S2"
REPORT_RUNS = 5


def timed(label: str, *args: str) -> float:
    start = time.perf_counter()
    call_command(*args, stdout=io.StringIO())
    return time.perf_counter() - start


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
        seconds = timed("import", "import_responses", str(path), "--period", PERIOD)
        print(f"import {path.suffix[1:]:>4}: {seconds:6.2f} s  ({len(rows) / seconds:,.0f} rows/s)")
    for fmt in ("json", "xlsx"):
        runs = [
            timed("report", "skm_report", "--period", PERIOD, "--format", fmt, "--output", str(WORK / f"report.{fmt}"))
            for _ in range(REPORT_RUNS)
        ]
        print(
            f"city report {fmt:>4}: {min(runs) * 1000:6.0f} ms "
            f"(best of {REPORT_RUNS}; worst {max(runs) * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
