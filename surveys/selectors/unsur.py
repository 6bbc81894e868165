"""The nine unsur, as every questionnaire and report needs them."""

from __future__ import annotations

from django.core.cache import cache

from surveys.models import UNSUR_CACHE_KEY, Unsur

UNSUR_CACHE_SECONDS = 60


def unsur_list() -> list[Unsur]:
    """The nine unsur in order; cached briefly (Unsur.save clears the cache)."""
    return cache.get_or_set(UNSUR_CACHE_KEY, lambda: list(Unsur.objects.order_by("urutan")), UNSUR_CACHE_SECONDS)
