"""Locking a period: no more responses, imports or plan changes, and its figures are kept as published."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from reports.services.snapshots import period_snapshot_create
from surveys.models import Period
from surveys.services.periods import period_mark_locked


@transaction.atomic
def period_lock(*, kode: str, user: Any = None) -> Period:
    """Lock the period and, in the same transaction, store the snapshot of its report and the
    fingerprint of its responses (a period locked before snapshots existed gets one when it is
    locked again). Writers that saw the period open finish first (surveys.services.periods.period_held)."""
    period = period_mark_locked(kode=kode, user=user)
    period_snapshot_create(period=period)
    return period
