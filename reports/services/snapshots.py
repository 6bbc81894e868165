"""Locking a period's figures: the snapshot of its report and the fingerprint of its responses."""

from __future__ import annotations

import tempfile

from django.core.files import File

from reports.documents.data import report_data
from reports.models import PeriodSnapshot
from reports.selectors.canonical_csv import canonical_csv_write
from surveys.models import Period


def period_snapshot_create(*, period: Period) -> PeriodSnapshot:
    """Store the figures of a period being locked and the fingerprint of its responses (once)."""
    existing = PeriodSnapshot.objects.filter(period=period).first()
    if existing is not None:
        return existing
    with tempfile.TemporaryFile() as stream:
        csv_sha256, unit_sha256, count = canonical_csv_write(period=period, output=stream)
        snapshot = PeriodSnapshot(
            period=period,
            data=report_data(period=period, live=True),
            rows=count,
            csv_sha256=csv_sha256,
            unit_sha256=unit_sha256,
        )
        stream.seek(0)
        snapshot.csv_file.save(f"skm-{period.kode}-responden.csv", File(stream), save=False)
    snapshot.save()
    return snapshot
