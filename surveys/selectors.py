"""Reads of the survey domain."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .models import Period, Unsur


def period_open_on(day: date | None = None) -> Period | None:
    """The open period whose dates contain the day (today in Asia/Jakarta by default)."""
    day = day or timezone.localdate()
    return (
        Period.objects.filter(status=Period.Status.OPEN, tanggal_mulai__lte=day, tanggal_selesai__gte=day)
        .order_by("-tanggal_mulai")
        .first()
    )


def unsur_list() -> list[Unsur]:
    return list(Unsur.objects.order_by("urutan"))
