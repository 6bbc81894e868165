#!/usr/bin/env python
"""A province-sized period: a million responses over 2.000 units, in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skm_million .venv/bin/python bench/million.py

The database must be a scratch one (it is migrated and filled). Prints the CSV and XLSX
import rates, the time of the city results (every unit's figures, one GROUP BY), and the
unit dashboard time through Django's full stack. Run bench/submissions.py against the same
database afterwards for submissions per second with a million rows in place.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="skm-million-"))
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skm_portal.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(WORK / "static"))
if "DATABASE_URL" not in os.environ:
    sys.exit("set DATABASE_URL to a scratch PostgreSQL database")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from reports.selectors.results import city_result, unit_results  # noqa: E402
from surveys.models import Period, Response  # noqa: E402
from surveys.services.response_import import RESPONSE_COLUMNS  # noqa: E402

UNITS = 2000
RESPONSES = 1_000_000
XLSX_ROWS = 50_000
PERIOD = "2025-S1"
EDUCATION = ["SD/SEDERAJAT", "SMP/SEDERAJAT", "SMA/SMK/SEDERAJAT", "DIPLOMA", "S1", "S2/S3", "LAINNYA"]
WORK_KINDS = ["PNS/P3K", "TNI/POLRI", "KARYAWAN", "WIRASWASTA", "MAHASISWA/PELAJAR", "LAINNYA"]


def rows(count: int, rng: random.Random):
    for _ in range(count):
        day = rng.randint(1, 28)
        yield [
            f"P{rng.randint(1, UNITS):05d}",
            f"2025-{rng.randint(1, 6):02d}-{day:02d} {rng.randint(8, 15):02d}:{rng.randint(0, 59):02d}",
            rng.randint(15, 80),
            rng.choice("LP"),
            rng.choice(EDUCATION),
            rng.choice(WORK_KINDS),
            "Layanan Umum",
            *(rng.choices((1, 2, 3, 4), weights=(1, 3, 10, 12))[0] for _ in range(9)),
            "",
        ]


def timed(*args: str) -> float:
    start = time.perf_counter()
    call_command(*args, stdout=io.StringIO())
    return time.perf_counter() - start


def main() -> None:
    call_command("migrate", "--noinput", stdout=io.StringIO())
    call_command("collectstatic", "--noinput", stdout=io.StringIO())
    units = WORK / "units.csv"
    with units.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kode", "nama", "induk", "jenis"])
        writer.writerows([f"P{n:05d}", f"Unit Pelayanan {n}", "", "Dinas"] for n in range(1, UNITS + 1))
    call_command("import_units", str(units), stdout=io.StringIO())
    Response.objects.filter(period__kode=PERIOD).delete()

    rng = random.Random(2025)
    big = WORK / "million.csv"
    with big.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RESPONSE_COLUMNS)
        writer.writerows(rows(RESPONSES, rng))
    seconds = timed("import_responses", str(big), "--period", PERIOD)
    print(f"import csv: {RESPONSES:,} rows in {seconds:.1f} s = {RESPONSES / seconds:,.0f} rows/s")

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(RESPONSE_COLUMNS))
    for row in rows(XLSX_ROWS, random.Random(7)):
        row[1] = row[1].replace("2025-0", "2025-0")  # same period
        sheet.append(row)
    small = WORK / "sample.xlsx"
    workbook.save(small)
    seconds = timed("import_responses", str(small), "--period", PERIOD)
    print(f"import xlsx: {XLSX_ROWS:,} rows in {seconds:.1f} s = {XLSX_ROWS / seconds:,.0f} rows/s")

    period = Period.objects.get(kode=PERIOD)
    total = Response.objects.filter(period=period).count()
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        results = unit_results(period=period)
        city = city_result(results)
        runs.append(time.perf_counter() - start)
    print(
        f"city results: {total:,} responses, {len(results):,} units, IKM {float(city.ikm):.2f}: "
        f"best {min(runs):.2f} s, worst {max(runs):.2f} s"
    )

    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench", "", "bench-pass-123"
    )
    client = Client()
    client.force_login(user)
    url = f"/kelola/unit/P00042/?periode={PERIOD}"
    client.get(url, secure=True)
    runs = []
    for _ in range(10):
        start = time.perf_counter()
        assert client.get(url, secure=True).status_code == 200
        runs.append(time.perf_counter() - start)
    print(
        f"unit dashboard (about {total // UNITS} responses of {total:,}): "
        f"best {min(runs) * 1000:.0f} ms, median {sorted(runs)[5] * 1000:.0f} ms"
    )
    start = time.perf_counter()
    assert client.get(f"/kelola/kota/?periode={PERIOD}", secure=True).status_code == 200
    print(f"city dashboard ({len(results):,} units): {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
