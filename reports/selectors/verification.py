"""Checking a locked period's stored responses against the fingerprint taken when it was locked."""

from __future__ import annotations

import os
from dataclasses import dataclass

from reports.models import PeriodSnapshot
from reports.selectors.canonical_csv import canonical_csv_write
from surveys.models import Period


@dataclass(frozen=True)
class Verification:
    """A locked period's stored responses checked against the fingerprint taken when it was locked."""

    expected_sha256: str
    actual_sha256: str
    expected_rows: int
    actual_rows: int
    differing_units: list[str]  # codes of the units whose responses changed, were added or removed

    @property
    def ok(self) -> bool:
        return self.expected_sha256 == self.actual_sha256


def period_verify(period: Period) -> Verification | None:
    """Recompute the canonical CSV from the stored responses; None when the period has no snapshot."""
    snapshot = PeriodSnapshot.objects.filter(period=period).first()
    if snapshot is None:
        return None
    with open(os.devnull, "wb") as sink:
        actual, units, rows = canonical_csv_write(period=period, output=sink)
    expected_units = snapshot.unit_sha256
    differing = sorted(
        kode for kode in set(units) | set(expected_units) if units.get(kode) != expected_units.get(kode)
    )
    return Verification(snapshot.csv_sha256, actual, snapshot.rows, rows, differing)
