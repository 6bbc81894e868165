"""Rows of a responses import file for the bench scripts: realistic values, a given share of them
with a suggestion."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

EDUCATION = ["SD/SEDERAJAT", "SMP/SEDERAJAT", "SMA/SMK/SEDERAJAT", "DIPLOMA", "S1", "S2/S3", "LAINNYA"]
WORK_KINDS = ["PNS/P3K", "TNI/POLRI", "KARYAWAN", "WIRASWASTA", "MAHASISWA/PELAJAR", "LAINNYA"]


def response_rows(
    count: int, *, units: int, start: datetime, end: datetime, rng: random.Random, saran_share: float = 0.0
) -> Iterator[list]:
    """Rows in the import format (RESPONSE_COLUMNS' order) for units P00001.., filled between
    `start` and `end` (local time)."""
    span = int((end - start).total_seconds())
    for _ in range(count):
        yield [
            f"P{rng.randint(1, units):05d}",
            f"{start + timedelta(seconds=rng.randrange(span)):%Y-%m-%d %H:%M}",
            rng.randint(15, 80),
            rng.choice("LP"),
            rng.choice(EDUCATION),
            rng.choice(WORK_KINDS),
            "",
            *rng.choices((1, 2, 3, 4), weights=(1, 3, 10, 12), k=9),
            "Antrean lebih cepat" if rng.random() < saran_share else "",
        ]
