"""Reads of the survey domain."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
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


UNSUR_CACHE_KEY = "surveys:unsur-list"
UNSUR_CACHE_SECONDS = 60


def unsur_list() -> list[Unsur]:
    """The nine unsur in order; cached briefly, as every questionnaire needs them (cleared on save)."""
    return cache.get_or_set(UNSUR_CACHE_KEY, lambda: list(Unsur.objects.order_by("urutan")), UNSUR_CACHE_SECONDS)
