"""Writes of periods and of what a unit declares per period.

Locking a period also snapshots its report, so reports.services.locking.period_lock owns that
workflow and calls period_mark_locked here.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from surveys.exceptions import PeriodLocked
from surveys.models import Period, UnitPeriod
from surveys.semesters import semester_dates
from units.models import Unit
from units.services.audit import audit_record


def period_get_or_create(*, kode: str) -> Period:
    """The period with this code, created with its standard semester dates if needed."""
    start, end = semester_dates(kode)
    period, _created = Period.objects.get_or_create(
        kode=kode, defaults={"tanggal_mulai": start, "tanggal_selesai": end}
    )
    return period


def period_create(*, kode: str, user: Any) -> Period:
    """A period prepared from the periods page (audited); it collects nothing until opened."""
    period = period_get_or_create(kode=kode)
    audit_record(user=user, action="periode_buat", periode=period.kode)
    return period


@transaction.atomic
def period_open(*, kode: str, user: Any = None) -> Period:
    period = period_get_or_create(kode=kode)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_locked:
        raise PeriodLocked(_("period %(kode)s is locked and cannot be opened again") % {"kode": kode})
    if period.status != Period.Status.OPEN:
        period.status = Period.Status.OPEN
        period.save(update_fields=["status"])
        audit_record(user=user, action="periode_buka", periode=period.kode)
    return period


def period_mark_locked(*, kode: str, user: Any = None) -> Period:
    """Set the period locked, inside the caller's transaction, holding its row until that ends.

    Only part of locking: reports.services.locking.period_lock calls this and then takes the
    snapshot of the published figures in the same transaction.
    """
    period = period_get_or_create(kode=kode)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status != Period.Status.LOCKED:
        period.status = Period.Status.LOCKED
        period.save(update_fields=["status"])
        audit_record(user=user, action="periode_kunci", periode=period.kode)
    return period


def period_held(period: Period) -> Period:
    """The period read again inside the caller's transaction and held until it ends, so that
    locking (FOR UPDATE) waits for writers that saw it open. On PostgreSQL a shared lock:
    submissions, imports and plan edits do not wait for each other, only the lock waits for
    them. SQLite's IMMEDIATE transactions already serialize every writer."""
    if connection.vendor != "postgresql":
        return Period.objects.get(pk=period.pk)
    table = connection.ops.quote_name(Period._meta.db_table)
    return Period.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [period.pk])[0]


@transaction.atomic
def unit_period_update(*, user: Any, unit: Unit, period: Period, populasi: int | None, metode: str) -> UnitPeriod:
    """Save what the unit declares for the period; a locked period's figures no longer change."""
    if period_held(period).is_locked:
        raise PeriodLocked(_("Period %(kode)s is locked: its report can no longer change.") % {"kode": period.kode})
    setting, _created = UnitPeriod.objects.update_or_create(
        unit=unit, period=period, defaults={"populasi": populasi, "metode": metode or UnitPeriod.DEFAULT_METODE}
    )
    audit_record(
        user=user,
        action="unit_periode",
        unit=unit,
        periode=period.kode,
        detail=_("population %(populasi)s, method %(metode)s")
        % {"populasi": _("not entered") if populasi is None else populasi, "metode": setting.metode},
    )
    return setting
