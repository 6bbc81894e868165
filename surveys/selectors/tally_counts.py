"""The running totals counted again from the stored responses: to build them where responses came
before the tallies (a migration, the rebuild_tallies command) and to check them (verify_period).

The same counting as the writes (surveys.tallies: TallyDelta, duplicates_by_unit, largest_window).
Models are parameters, so a migration passes its historical ones.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import F, IntegerField, Value
from django.db.models.functions import Coalesce

from surveys import models as current
from surveys.models import ANSWER_COUNT_FIELDS, RESPONSE_CONTENT_FIELDS
from surveys.tallies import TallyDelta, duplicates_by_unit, epoch_microseconds, largest_window

_CHUNK = 10_000


@dataclass(frozen=True)
class Burst:
    """A device's largest burst for a unit (surveys.models.BurstTally)."""

    unit_id: int
    client_hash: str
    largest: int
    started_at: datetime
    ended_at: datetime
    responses: int


def tallies_counted(*, period_id: int, response_model: Any = current.Response) -> dict[int, TallyDelta]:
    """Every unit's tallies of the period, counted from its responses (by unit id)."""
    deltas: dict[int, TallyDelta] = defaultdict(TallyDelta)
    units, contents, moments = array("q"), array("q"), array("q")
    for unit_id, filled, content, channel, durasi, values in _rows(response_model.objects.filter(period_id=period_id)):
        deltas[unit_id].add(values, filled, channel=channel, durasi=durasi)
        units.append(unit_id)
        contents.append(content)
        moments.append(epoch_microseconds(filled))
    window = timedelta(minutes=settings.SKM_FLAG_DUPLICATE_MINUTES)
    arrays = (np.frombuffer(column, dtype=np.int64) for column in (units, contents, moments))
    for unit_id, (count, first) in duplicates_by_unit(*arrays, window).items():
        deltas[unit_id].duplicates_found(count, first)
    return dict(deltas)


def _rows(responses) -> Iterator[tuple[int, datetime, int, str, int | None, dict[str, Any]]]:
    # A migration's model from before the filling duration was kept counts none.
    kept = any(field.name == "durasi_detik" for field in responses.model._meta.get_fields())
    durasi = F("durasi_detik") if kept else Value(None, output_field=IntegerField())
    fields = ("unit_id", "filled", "content_hash", "channel", "durasi", *RESPONSE_CONTENT_FIELDS)
    rows = responses.annotate(filled=Coalesce("diisi_pada", "submitted_at"), durasi=durasi)
    rows = rows.order_by("pk").values_list(*fields)
    for unit_id, filled, content, channel, durasi, *values in rows.iterator(chunk_size=_CHUNK):
        yield unit_id, filled, content, channel, durasi, dict(zip(RESPONSE_CONTENT_FIELDS, values, strict=True))


def bursts_counted(*, period_id: int, response_model: Any = current.Response) -> list[Burst]:
    """Every device's largest burst in the period (surveys.services.bursts measures one device)."""
    rows = (
        response_model.objects.filter(period_id=period_id, channel="online")
        .exclude(client_hash="")
        .annotate(filled=Coalesce("diisi_pada", "submitted_at"))
        .order_by("unit_id", "client_hash")
        .values_list("unit_id", "client_hash", "submitted_at", "filled")
    )
    found: list[Burst] = []
    device, times = None, []
    for unit_id, client, arrived, filled in rows.iterator(chunk_size=_CHUNK):
        if (unit_id, client) != device:  # ordered by device: one device's times at a time
            found += device_burst(device, times)
            device, times = (unit_id, client), []
        times.append((arrived, filled))
    return found + device_burst(device, times)


def device_burst(device: tuple[int, str] | None, times: list[tuple[datetime, datetime]]) -> list[Burst]:
    """The largest burst of one device (unit id, client hash) among its (arrival, filling) times:
    by arrival (a script posting fast) or by filling time (a device's own times); none when it has
    fewer than SKM_FLAG_BURST_RESPONSES within SKM_FLAG_BURST_MINUTES."""
    size, window = settings.SKM_FLAG_BURST_RESPONSES, timedelta(minutes=settings.SKM_FLAG_BURST_MINUTES)
    if device is None or len(times) < size:
        return []
    arrivals, fillings = (sorted(column) for column in zip(*times, strict=True))
    largest, started_at, ended_at, responses = max(
        largest_window(arrivals, window, size), largest_window(fillings, window, size)
    )
    if largest < size:
        return []
    unit_id, client = device
    return [Burst(unit_id, client, largest, started_at, ended_at, responses)]


# What a count of the responses must reproduce exactly; the majority vote (pattern_candidate,
# pattern_lead) depends on the order responses came in, so it is left out.
_UNIT_FIGURES = (
    "respondents", *ANSWER_COUNT_FIELDS, "answer_square_sum", "first_filled_at", "last_filled_at", "duplicates",
    "first_duplicate_at",
)  # fmt: skip


def tallies_differing(*, period_id: int) -> list[int]:
    """The ids of the units whose stored tallies differ from a count of their responses."""
    counted = tallies_counted(period_id=period_id)
    expected = {(unit_id, "unit"): _figures(delta) for unit_id, delta in counted.items()}
    expected |= {(unit_id, *key): n for unit_id, delta in counted.items() for key, n in delta.keys.items()}
    expected |= {
        (burst.unit_id, "burst", burst.client_hash): (burst.largest, burst.started_at, burst.ended_at, burst.responses)
        for burst in bursts_counted(period_id=period_id)
    }
    units = current.UnitTally.objects.filter(period_id=period_id, respondents__gt=0)
    stored = {(row[0], "unit"): tuple(row[1:]) for row in units.values_list("unit_id", *_UNIT_FIGURES)}
    keys = current.KeyedTally.objects.filter(period_id=period_id, count__gt=0).values_list(
        "unit_id", "kind", "value", "count"
    )
    stored |= {(unit_id, kind, value): n for unit_id, kind, value, n in keys}
    bursts = current.BurstTally.objects.filter(period_id=period_id).values_list(
        "unit_id", "client_hash", "largest", "started_at", "ended_at", "responses"
    )
    stored |= {(unit_id, "burst", client): tuple(figures) for unit_id, client, *figures in bursts}
    return sorted({key[0] for key in expected.keys() | stored.keys() if expected.get(key) != stored.get(key)})


def _figures(delta: TallyDelta) -> tuple:
    counts = dict(zip(ANSWER_COUNT_FIELDS, delta.answer_counts, strict=True))
    return tuple(counts[name] if name in counts else getattr(delta, name) for name in _UNIT_FIGURES)
