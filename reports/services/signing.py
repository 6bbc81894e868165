"""The place and date of signature of a locked period whose report was locked without them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import FrontMatter, PeriodSnapshot
from reports.selectors.signing import signature_missing
from surveys.exceptions import PeriodLocked
from surveys.models import Period
from surveys.services.periods import period_held
from units.services.audit import audit_record


@transaction.atomic
def signature_complete(*, period: Period, tempat: str, tanggal: date, user: Any) -> None:
    """Set the place and date of signature of a locked period, once: the only words of a published
    report that may still be filled in after the lock, since no final edition exists without them.

    Written to the snapshot and to the period's FrontMatter alike, so verify_period sees no change."""
    period = period_held(period)
    snapshot = PeriodSnapshot.objects.select_for_update().filter(period=period).first()
    if not period.is_locked:
        raise PeriodLocked(_("Period %(kode)s is not locked: edit its report texts instead.") % {"kode": period.kode})
    if not signature_missing(period):
        raise PeriodLocked(_("Period %(kode)s is locked: its report can no longer change.") % {"kode": period.kode})
    if snapshot is not None:  # a period locked before snapshots existed prints its current words
        snapshot.front_matter = {**snapshot.front_matter, "tempat": tempat, "tanggal": tanggal.isoformat()}
        snapshot.save(update_fields=["front_matter"])
    FrontMatter.objects.update_or_create(period=period, defaults={"tempat": tempat, "tanggal": tanggal})
    # The report texts' own audit action: the audit page already names it.
    audit_record(user=user, action="pengantar_laporan", periode=period.kode, detail=f"{tempat}, {tanggal.isoformat()}")
