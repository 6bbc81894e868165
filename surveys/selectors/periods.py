"""Reads of periods."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from surveys.models import Period, Response, UnitPeriod, UnitTally
from units.models import Unit


def periods_newest_first() -> QuerySet[Period]:
    """Every period, newest first, each with `answered`: whether it has responses (by its tallies: no
    scan of the responses)."""
    answered = UnitTally.objects.filter(period=OuterRef("pk"), respondents__gt=0)
    return Period.objects.annotate(answered=Exists(answered)).order_by("-tanggal_mulai")


def period_open_on(day: date | None = None) -> Period | None:
    """The open period whose dates contain the day (today in Asia/Jakarta by default)."""
    day = day or timezone.localdate()
    return (
        Period.objects.filter(status=Period.Status.OPEN, tanggal_mulai__lte=day, tanggal_selesai__gte=day)
        .order_by("-tanggal_mulai")
        .first()
    )


def period_with_kode(periods: Iterable[Period], kode: str) -> Period | None:
    """The period of `periods` with this code, or None: compared in Python with a few periods'
    codes, so that no typed text reaches a query."""
    return next((p for p in periods if p.kode == kode), None)


def period_shown_first(periods: list[Period]) -> Period | None:
    """The period a dashboard opens on, of `periods` (periods_newest_first): the latest with
    responses, else the latest."""
    return next((p for p in periods if p.answered), None) or next(iter(periods), None)


def previous_period(period: Period) -> Period | None:
    return Period.objects.filter(tanggal_mulai__lt=period.tanggal_mulai).order_by("-tanggal_mulai").first()


def previous_in(periods: list[Period], period: Period) -> Period | None:
    """previous_period, from every period (any order) already read."""
    earlier = [p for p in periods if p.tanggal_mulai < period.tanggal_mulai]
    return max(earlier, key=lambda p: p.tanggal_mulai, default=None)


def next_period(period: Period) -> Period | None:
    return Period.objects.filter(tanggal_mulai__gt=period.tanggal_mulai).order_by("tanggal_mulai").first()


def writable_periods() -> list[Period]:
    """Periods that still accept responses by import: every one not locked."""
    return list(Period.objects.exclude(status=Period.Status.LOCKED).order_by("-tanggal_mulai"))


def latest_locked_period_answered(unit: Unit) -> Period | None:
    """The latest locked period in which the unit has responses: what its thank-you page links to."""
    answered = Response.objects.filter(period=OuterRef("pk"), unit=unit)
    return Period.objects.filter(Exists(answered), status=Period.Status.LOCKED).order_by("-tanggal_mulai").first()


def unit_period_setting(*, unit: Unit, period: Period) -> UnitPeriod:
    """What the unit declared for the period (unsaved defaults when it has not yet)."""
    return UnitPeriod.objects.filter(unit=unit, period=period).first() or UnitPeriod(unit=unit, period=period)


def periods_with_respondents() -> QuerySet[Period]:
    """Every period, newest first, with its number of responses as `responden`."""
    return Period.objects.order_by("-tanggal_mulai").annotate(responden=Count("responses"))
