#!/usr/bin/env python
"""Render time of the city PDF for the reference-sized period (79 units, 14.249 responses), next to
one GROUP BY over the period's responses (the database's part of any report) in the same run.

.venv/bin/python bench/pdf_report.py      # fresh SQLite file with the demo loaded
"""

from __future__ import annotations

import io
import subprocess
import time

import _django  # bench/ is on the path when a script runs

WORK = _django.setup()

from _baseline import group_by  # noqa: E402  (needs Django set up)
from _baseline import timings as baseline_timings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from reports.pdf.city import city_report_pdf  # noqa: E402
from reports.pdf.unit import unit_report_pdf  # noqa: E402
from surveys.models import Period  # noqa: E402
from units.models import Unit  # noqa: E402

RUNS = 3


def main() -> None:
    call_command("migrate", "--noinput", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    period = Period.objects.get(kode="2023-S2")
    timings, pdf = [], b""
    for _ in range(RUNS):
        start = time.perf_counter()
        pdf = city_report_pdf(period=period)
        timings.append(time.perf_counter() - start)
    path = WORK / "laporan.pdf"
    path.write_bytes(pdf)
    pages = next(
        line.split()[-1]
        for line in subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout.splitlines()
        if line.startswith("Pages:")
    )
    base, _ = baseline_timings(lambda: group_by(period.pk), RUNS)
    print(
        f"city PDF, 79 units: best {min(timings):.1f} s, worst {max(timings):.1f} s over {RUNS} runs; "
        f"{pages} pages, {len(pdf) / 1024:.0f} KB; one GROUP BY over the period: {base * 1000:.1f} ms; "
        f"ratio {min(timings) / base:.0f} (the rest is WeasyPrint laying out the pages)"
    )
    start = time.perf_counter()
    unit_report_pdf(unit=Unit.objects.get(kode="UPP054"), period=period)
    print(f"unit PDF (UPP054, 941 responses): {time.perf_counter() - start:.1f} s")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
