#!/usr/bin/env python
"""Importing responses against the database's own limit: `manage.py import_responses` of a CSV and
of an .xlsx, each beside `psql \\copy` of the same rows (already in the table's format) into the same
table, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skm_imports .venv/bin/python bench/imports.py
    ... bench/imports.py --rows 100000 --rounds 1     # a quicker look

The database is a scratch one: it is migrated, gets 2.000 units, and its responses are emptied
(TRUNCATE) before every timed step, so each starts from the same empty table and indexes. Both
sides are timed as a user starts them: a new process each (`manage.py`, `psql`). The peak memory
of the import process is its high-water mark (VmHWM), read while it runs.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import _django  # bench/ is on the path when a script runs
from _rows import response_rows

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("set DATABASE_URL to a scratch PostgreSQL database")
WORK = _django.setup()

from django.db import connection  # noqa: E402

from surveys.models import RESPONSE_CONTENT_FIELDS, ImportBatch, Response  # noqa: E402
from surveys.services.periods import period_get_or_create  # noqa: E402
from surveys.services.response_import import RESPONSE_COLUMNS  # noqa: E402
from surveys.tallies import content_hash  # noqa: E402
from units.models import Unit  # noqa: E402

ROOT = _django.ROOT
UNITS = 2000
PERIOD = "2025-S1"
XLSX_ROWS = 50_000
FIRST_DAY, LAST_DAY = datetime(2025, 1, 1, 8), datetime(2025, 6, 28, 16)
JAKARTA = ZoneInfo("Asia/Jakarta")
TABLES = ("surveys_response", "surveys_unittally", "surveys_keyedtally", "surveys_bursttally", "surveys_importbatch")


def file_rows(count: int, seed: int):
    """The rows of the files: 2.000 units, the first half of 2025, one in ten with a suggestion."""
    return response_rows(count, units=UNITS, start=FIRST_DAY, end=LAST_DAY, rng=random.Random(seed), saran_share=0.1)


def manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=os.environ, check=True, capture_output=True, text=True
    )


def prepare() -> None:
    manage("migrate", "--noinput")
    units = WORK / "units.csv"
    with units.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kode", "nama", "induk", "jenis"])
        writer.writerows([f"P{n:05d}", f"Unit Pelayanan {n}", "", "Dinas"] for n in range(1, UNITS + 1))
    manage("import_units", str(units))
    period_get_or_create(kode=PERIOD)


def write_files(rows: int) -> tuple[Path, Path, Path, Path]:
    """The import CSV and .xlsx, and the same rows in the table's format for psql."""
    big, big_table = WORK / "responses.csv", WORK / "responses-table.csv"
    with big.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RESPONSE_COLUMNS)
        writer.writerows(file_rows(rows, seed=2025))
    small, small_table = WORK / "responses.xlsx", WORK / "responses-table-small.csv"
    from openpyxl import Workbook

    workbook = Workbook()  # as a spreadsheet program saves it: shared strings, not inline ones
    sheet = workbook.active
    sheet.append(list(RESPONSE_COLUMNS))
    for row in file_rows(XLSX_ROWS, seed=7):
        sheet.append(row)
    workbook.save(small)
    for source, target, count in ((big, big_table, rows), (None, small_table, XLSX_ROWS)):
        table_format(source, target, count)
    return big, big_table, small, small_table


def table_format(source: Path | None, target: Path, count: int) -> None:
    units = dict(Unit.objects.values_list("kode", "pk"))
    period = period_get_or_create(kode=PERIOD)
    rows = file_rows(count, seed=7) if source is None else _read(source)
    with target.open("w", newline="") as handle:
        writer = csv.writer(handle)
        for kode, tanggal, *content in rows:
            values = dict(zip(RESPONSE_CONTENT_FIELDS, content, strict=True))
            values = {k: int(v) if k == "umur" or k.startswith("u") else v for k, v in values.items()}
            at = datetime.fromisoformat(tanggal).replace(tzinfo=JAKARTA).isoformat()
            writer.writerow([units[kode], period.pk, at, *content, "import", "{batch}", content_hash(values)])


def _read(path: Path):
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield from reader


COPY_COLUMNS = (
    "unit_id", "period_id", "submitted_at", *RESPONSE_CONTENT_FIELDS, "channel", "import_batch_id", "content_hash",
)  # fmt: skip


def empty() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        cursor.execute("CHECKPOINT")  # neither side pays for the other's dirty pages


def timed_import(path: Path) -> tuple[float, int]:
    """Seconds and peak memory (MB) of `manage.py import_responses` in a process of its own."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_responses", str(path), "--period", PERIOD],
        cwd=ROOT, env=os.environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    # The child's own high-water mark, read while it runs: its ru_maxrss would count this
    # process's pages that the child had before exec.
    peak_kb = 0
    while process.poll() is None:
        try:
            status_lines = Path(f"/proc/{process.pid}/status").read_text().splitlines()
        except OSError:
            break
        peak_kb = max([peak_kb] + [int(line.split()[1]) for line in status_lines if line.startswith("VmHWM:")])
        time.sleep(0.02)
    process.wait()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"import failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, peak_kb // 1024


def timed_copy(table_file: Path) -> float:
    """Seconds of `psql \\copy` of the rows, table-formatted, into the responses table."""
    batch = ImportBatch.objects.create(
        period=period_get_or_create(kode=PERIOD), filename="psql", sha256="0" * 64, row_count=0
    )
    ready = table_file.with_suffix(".ready.csv")
    ready.write_text(table_file.read_text().replace("{batch}", str(batch.pk)))
    url = urlparse(os.environ["DATABASE_URL"])
    command = (
        f"\\copy {Response._meta.db_table} ({', '.join(COPY_COLUMNS)}) FROM '{ready}' "
        "WITH (FORMAT csv, FORCE_NOT_NULL (jenis_layanan, saran))"
    )
    start = time.perf_counter()
    subprocess.run(
        ["psql", "-X", "-q", "-h", url.hostname, "-p", str(url.port or 5432), "-U", url.username or "postgres",
         "-d", url.path.lstrip("/"), "-v", "ON_ERROR_STOP=1", "-c", command],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - start


def stored() -> int:
    return Response.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    prepare()
    big, big_table, small, small_table = write_files(options.rows)
    print(f"PostgreSQL {connection.pg_version // 10000}, {UNITS:,} units; files in {WORK}")
    csv_runs, copy_runs, memory = [], [], []
    for _ in range(options.rounds):
        empty()
        seconds, megabytes = timed_import(big)
        assert stored() == options.rows
        csv_runs.append(seconds)
        memory.append(megabytes)
        empty()
        copy_runs.append(timed_copy(big_table))
        assert stored() == options.rows
    xlsx_runs, small_copy_runs = [], []
    for _ in range(options.rounds + 1):
        empty()
        xlsx_runs.append(timed_import(small)[0])
        assert stored() == XLSX_ROWS
        empty()
        small_copy_runs.append(timed_copy(small_table))
    report("CSV", options.rows, csv_runs, copy_runs, f"peak memory {max(memory)} MB (aim under 300 MB)", 1.2)
    report("XLSX", XLSX_ROWS, xlsx_runs, small_copy_runs, "aim: 50.000 rows/s or more", None)


def report(kind: str, rows: int, project: list[float], database: list[float], note: str, aim: float | None) -> None:
    best, median = min(project), statistics.median(project)
    base_best, base_median = min(database), statistics.median(database)
    print(
        f"import {kind} {rows:,} rows: best {best:.2f} s ({rows / best:,.0f} rows/s), median {median:.2f} s; "
        f"psql \\copy of the same rows: best {base_best:.2f} s ({rows / base_best:,.0f} rows/s), "
        f"median {base_median:.2f} s; ratio best {best / base_best:.2f}, median {median / base_median:.2f}"
        + (f" (aim {aim})" if aim else "")
        + f"; {note}"
    )


if __name__ == "__main__":
    main()
