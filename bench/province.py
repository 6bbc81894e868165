#!/usr/bin/env python
"""A province-sized period (1.000.000 responses over 2.000 units) on PostgreSQL, each read next to
the database's own limit: one GROUP BY over the period's responses, timed in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/skm_province .venv/bin/python bench/province.py
    ... bench/province.py --responses 100000 --units 200    # a smaller size (use another database)
    ... bench/province.py --refill                          # import the responses again

The database must be a scratch one: it is migrated, gets the units, and the semester containing
today is opened and filled through `manage.py import_responses` (files of at most 200.000 rows),
which writes the responses and their running totals. A rerun finds the period filled and only
measures. Every step runs once to warm up, once to count its SQL queries, then --runs times;
the best and the median are printed with the baseline's, their ratios and the targets. Each run
adds a few paper responses (the "first view after a new response" step). Talks to 127.0.0.1 only;
writes nothing outside a temp folder and that database.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as time_of_day
from urllib.parse import urlsplit

if "DATABASE_URL" not in os.environ or not os.environ["DATABASE_URL"].startswith("postgres"):
    sys.exit(
        "set DATABASE_URL to a scratch PostgreSQL database, e.g. postgres://postgres@127.0.0.1:54329/skm_province"
    )

if urlsplit(os.environ["DATABASE_URL"]).hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit("the database must be on 127.0.0.1: this bench talks to the loopback only")

import _django  # bench/ is on the path when a script runs
from _rows import response_rows

WORK = _django.setup()

from _baseline import GROUP_BY, group_by  # noqa: E402  (needs Django set up)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from surveys.models import UNSUR_FIELDS, BurstTally, ImportBatch, KeyedTally, Period, Response, UnitTally  # noqa: E402
from surveys.services.periods import period_open  # noqa: E402
from surveys.services.response_import import RESPONSE_COLUMNS  # noqa: E402
from surveys.services.submissions import response_submit  # noqa: E402
from units.models import Unit  # noqa: E402

FILE_ROWS = 200_000  # one import file at most: bounded memory, and a failure costs one file
QUIET = io.StringIO()


@dataclass
class Timing:
    runs: list[float]
    queries: int = 0
    size: int | None = None  # bytes of HTML or JSON
    sql: list[str] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def measure(
    step: Callable[[], object],
    baseline: Callable[[], object],
    runs: int,
    size: Callable[[object], int] | None = None,
    before: Callable[[], object] | None = None,
) -> tuple[Timing, Timing]:
    """One warm-up, one run counting queries (recording SQL costs time, so it is not timed), then
    `runs` timed, each followed by a timed run of `baseline`: a neighbour's load on this shared
    machine then weighs on both figures of a ratio. `before` runs untimed before each step."""
    for _ in range(2):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            result = step()
    sql = [query["sql"] for query in captured]
    timing = Timing(runs=[], queries=len(sql), size=size(result) if size else None, sql=sql)
    base = Timing(runs=[])
    baseline()
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        step()
        timing.runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        baseline()
        base.runs.append(time.perf_counter() - start)
    return timing, base


def current_semester() -> str:
    today = timezone.localdate()
    return f"{today.year}-S{1 if today.month <= 6 else 2}"


def write_units(count: int) -> None:
    path = WORK / "units.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kode", "nama", "induk", "jenis"])
        writer.writerows([f"P{n:05d}", f"Unit Pelayanan {n}", "", "Dinas"] for n in range(1, count + 1))
    call_command("import_units", str(path), stdout=QUIET)


def period_empty(period: Period) -> None:
    """What an earlier fill left in the period: its responses, imports and running totals."""
    with transaction.atomic():
        Response.objects.filter(period=period).delete()
        ImportBatch.objects.filter(period=period).delete()
        for tally in (UnitTally, KeyedTally, BurstTally):
            tally.objects.filter(period=period).delete()


def fill(period: Period, responses: int, units: int) -> None:
    """Import `responses` rows through the portal's own command, in files of at most FILE_ROWS."""
    period_empty(period)
    tz = timezone.get_current_timezone()
    start = datetime.combine(period.tanggal_mulai, time_of_day())
    # A minute back: the import refuses filling times in the future.
    now = timezone.localtime(timezone.now(), tz).replace(tzinfo=None)
    end = min(now, datetime.combine(period.tanggal_selesai, time_of_day(23, 59)))
    end -= timedelta(minutes=1)
    rng = random.Random(2025)
    total_seconds = 0.0
    for first in range(0, responses, FILE_ROWS):
        count = min(FILE_ROWS, responses - first)
        path = WORK / f"responses-{first // FILE_ROWS + 1}.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(RESPONSE_COLUMNS)
            writer.writerows(response_rows(count, units=units, start=start, end=end, rng=rng))
        began = time.perf_counter()
        call_command("import_responses", str(path), "--period", period.kode, stdout=QUIET)
        seconds = time.perf_counter() - began
        total_seconds += seconds
        path.unlink()  # 25 MB a file: the temp folder stays small
        print(f"  imported {first + count:,} of {responses:,} ({count:,} rows in {seconds:.1f} s)", flush=True)
    print(f"import: {responses:,} rows in {total_seconds:.0f} s = {responses / total_seconds:,.0f} rows/s")
    # What autovacuum would do a little later; without it the first runs read unset hint bits and
    # the planner has no statistics.
    with connection.cursor() as cursor:
        for model in (Response, UnitTally, KeyedTally, BurstTally):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


def imported_rows(period: Period) -> int:
    return ImportBatch.objects.filter(period=period).aggregate(n=Sum("row_count"))["n"] or 0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each step (after one warm-up)")
    parser.add_argument("--refill", action="store_true", help="empty the period and import the responses again")
    parser.add_argument("--sql", action="store_true", help="print the SQL each step runs")
    args = parser.parse_args()
    try:
        run(args)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    call_command("migrate", "--noinput", stdout=QUIET)
    call_command("collectstatic", "--noinput", stdout=QUIET)
    if Unit.objects.count() < args.units:
        write_units(args.units)
    # The semester containing today, open: a new response's filling time (now) lies inside it.
    period = period_open(kode=current_semester())
    if args.refill or imported_rows(period) != args.responses:
        print(f"filling {period.kode} with {args.responses:,} responses over {args.units:,} units", flush=True)
        fill(period, args.responses, args.units)
    total = Response.objects.filter(period=period).count()
    units = Unit.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"period {period.kode}: {total:,} responses over {units:,} units; PostgreSQL {version}; "
        f"{args.runs} timed runs per step after one warm-up"
    )
    if units != args.units:
        print(f"note: the database holds {units:,} units, not {args.units:,}: use one database per size")

    def baseline() -> list[tuple]:
        return group_by(period.pk)

    report = WORK / "report.json"

    def city_json() -> int:
        call_command("skm_report", "--period", period.kode, "--format", "json", "--output", str(report), stdout=QUIET)
        return report.stat().st_size

    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench", "", "bench-pass-123"
    )
    client = Client()
    client.force_login(user)
    unit = Unit.objects.get(kode="P00042")
    unit_url = f"/kelola/unit/{unit.kode}/?periode={period.kode}"
    city_url = f"/kelola/kota/?periode={period.kode}"

    def page(url: str) -> Callable[[], bytes]:
        def get() -> bytes:
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
            return response.content

        return get

    def submit() -> None:
        """One new response of the unit, as paper entry stores it."""
        rng = random.Random()
        answers = {
            "umur": rng.randint(15, 80), "jenis_kelamin": rng.choice("LP"), "pendidikan": "S1",
            "pekerjaan": "KARYAWAN", "jenis_layanan": "Layanan Umum", "saran": "",
            **{name: rng.randint(1, 4) for name in UNSUR_FIELDS},
        }  # fmt: skip
        _response, created = response_submit(
            unit=unit, answers=answers, submission_id=uuid.uuid4(), channel=Response.Channel.PAPER, period=period
        )
        assert created

    measured = {
        "city results JSON (skm_report in-process)": measure(city_json, baseline, args.runs, size=lambda n: n),
        "city dashboard /kelola/kota/": measure(page(city_url), baseline, args.runs, size=len),
        f"unit dashboard /kelola/unit/{unit.kode}/": measure(page(unit_url), baseline, args.runs, size=len),
        # Paired with the same page viewed again right after (the "baseline" of these two rows).
        "unit dashboard, first view after a new response": measure(
            page(unit_url), page(unit_url), args.runs, before=submit
        ),
        "city dashboard, first view after a new response": measure(
            page(city_url), page(city_url), args.runs, before=submit
        ),
    }

    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "skm_report", "--period", period.kode, "--format", "json", "--output", report],
        cwd=_django.ROOT,
        check=True,
        capture_output=True,
    )
    command_seconds = time.perf_counter() - started

    # Targets are judged on the medians of the paired runs (the best ones are printed too).
    city, city_page, unit_page, unit_first, city_first = (timing for timing, _base in measured.values())
    city_base, city_page_base, _, unit_again, city_again = (base for _timing, base in measured.values())

    def about(first: Timing, again: Timing) -> bool:  # within a quarter, or 2 ms for pages that fast
        return first.median <= max(1.25 * again.median, again.median + 0.002)

    targets = [
        ("<= 1.5x GROUP BY, < 100 ms", city.median <= 1.5 * city_base.median and city.median < 0.1),
        ("<= 2x GROUP BY", city_page.median <= 2 * city_page_base.median),
        ("< 15 ms, <= 10 queries", unit_page.median < 0.015 and unit_page.queries <= 10),
        ("about the same as viewed again", about(unit_first, unit_again)),
        ("about the same as viewed again", about(city_first, city_again)),
    ]
    every_base = [t for timing, base in list(measured.values())[:3] for t in base.runs]
    print()
    print(f"baseline: {GROUP_BY.replace('%s', str(period.pk))}")
    print(
        f"  {len(baseline()):,} rows; best {ms(min(every_base))}, median {ms(statistics.median(every_base))} "
        f"({len(every_base)} runs, each right after a run of a step)"
    )
    print()
    print(
        f"{'step':<50}{'best':>11}{'median':>11}{'queries':>8}{'size':>10}  "
        f"{'baseline best/median':>22}  {'ratio best/median':>17}  target (medians)"
    )
    for (label, (timing, base)), (target, met) in zip(measured.items(), targets, strict=True):
        size = f"{timing.size / 1024:,.0f} KB" if timing.size else ""
        print(
            f"{label:<50}{ms(timing.best):>11}{ms(timing.median):>11}{timing.queries:>8}{size:>10}  "
            f"{ms(base.best):>11} {ms(base.median):>10}  {timing.best / base.best:>8.2f}x"
            f"{timing.median / base.median:>8.2f}x  {target}: {'met' if met else 'NOT MET'}"
        )
    print(
        "baseline: the GROUP BY run right after each run of the step; for the 'first view' rows, the same "
        "page viewed again. Page queries include the session's and the user's (2)."
    )
    print()
    print(f"manage.py skm_report --format json as a command (Django's start included, once): {ms(command_seconds)}")
    if args.sql:
        for label, (timing, _base) in measured.items():
            print(f"\n{label}: {timing.queries} queries")
            for sql in timing.sql:
                print(f"  {sql[:300]}")


if __name__ == "__main__":
    main()
