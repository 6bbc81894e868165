#!/usr/bin/env python
"""Render time of the unit and city dashboards for a reference-sized period (14.249 responses).

    .venv/bin/python bench/dashboards.py          # fresh SQLite file with the demo loaded

Each page is requested through Django's full stack (middleware, login, templates) as the
demo's city administrator; the best and the median of several runs are printed.
"""

from __future__ import annotations

import io
import statistics
import time

import _django  # bench/ is on the path when a script runs

WORK = _django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 10
PAGES = {
    "unit dashboard (UPP054, 941 responses)": "/kelola/unit/UPP054/?periode=2023-S2",
    "unit dashboard (UPP016, 484 responses)": "/kelola/unit/UPP016/?periode=2023-S2",
    "city dashboard (79 units)": "/kelola/kota/?periode=2023-S2",
}


def main() -> None:
    quiet = io.StringIO()
    call_command("migrate", "--noinput", stdout=quiet)
    call_command("collectstatic", "--noinput", stdout=quiet)
    call_command("load_demo", stdout=quiet)
    client = Client()
    client.force_login(get_user_model().objects.get(username="organisasi"))
    print(f"database: {connection.vendor}; period 2023-S2 with 14,249 responses over 79 units")
    for label, url in PAGES.items():
        timings = []
        for _ in range(RUNS + 1):
            start = time.perf_counter()
            response = client.get(url, secure=True)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        timings = timings[1:]  # the first run warms caches and templates
        print(f"{label}: best {min(timings) * 1000:.0f} ms, median {statistics.median(timings) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
