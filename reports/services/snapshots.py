"""Locking a period's figures: the snapshot of its report and the fingerprint of its responses."""

from __future__ import annotations

import tempfile

from django.core.files import File

from reports.documents.data import report_data
from reports.models import FrontMatter, PeriodSnapshot
from reports.selectors.canonical_csv import CANONICAL_CSV_VERSION, canonical_csv_write
from reports.selectors.snapshot_contents import front_matter_fields, historical_ikm_current, unit_settings_current
from surveys.models import Period


def period_snapshot_create(*, period: Period) -> PeriodSnapshot:
    """Store what the published report of a period being locked shows (once): its figures, the
    fingerprint of its responses (canonical CSV, current format version), its words, every unit's
    population and method, and the history points of its trend."""
    existing = PeriodSnapshot.objects.filter(period=period).first()
    if existing is not None:
        return existing
    # The words become a row of their own, so a later change of the defaults in code is no change.
    front, _created = FrontMatter.objects.get_or_create(period=period)
    with tempfile.TemporaryFile() as stream:
        csv_sha256, unit_sha256, count = canonical_csv_write(
            period=period, output=stream, version=CANONICAL_CSV_VERSION
        )
        snapshot = PeriodSnapshot(
            period=period,
            data=report_data(period=period, live=True),
            rows=count,
            csv_sha256=csv_sha256,
            unit_sha256=unit_sha256,
            format_version=CANONICAL_CSV_VERSION,
            front_matter=front_matter_fields(front),
            unit_settings=unit_settings_current(period),
            historical_ikm=historical_ikm_current(),
        )
        stream.seek(0)
        snapshot.csv_file.save(f"skm-{period.kode}-responden.csv", File(stream), save=False)
    snapshot.save()
    return snapshot
