"""What a unit's public questionnaire needs of the unit, read once a minute at most: every answer
sent would otherwise cost two queries before its own. Each worker process keeps its own copy (the
public form depends on no cache server): a unit closed, renamed or given other service types shows
at once in the process that saved it and within CACHE_SECONDS in the others."""

from __future__ import annotations

from django.core.cache import cache

from units.models import Unit, questionnaire_cache_key

CACHE_SECONDS = 60


def questionnaire_unit(kode: str) -> tuple[Unit, tuple[str, ...]] | None:
    """The unit with this code and the names of its service types, or None."""

    def read() -> tuple[Unit, tuple[str, ...]] | bool:
        unit = Unit.objects.filter(kode=kode).first()
        if unit is None:
            return False  # remembered too: a probe for codes costs no query each
        return unit, tuple(unit.jenis_layanan.values_list("nama", flat=True))

    found = cache.get_or_set(questionnaire_cache_key(kode), read, CACHE_SECONDS)
    return found or None
