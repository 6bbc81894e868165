"""Recording a burst: many online responses for a unit from one device (keyed client hash) within
SKM_FLAG_BURST_MINUTES, by when they arrived (a script posting fast) or when they were filled in (a
device's own times; a phone sending its offline queue at once is one too, which a reviewer
recognises from the evidence). Written when a response may close one; read by the burst flag."""

from __future__ import annotations

from surveys.models import BurstTally, Response, filled_at
from surveys.selectors.tally_counts import device_burst


def burst_record(*, period_id: int, unit_id: int, client_hash: str) -> None:
    """Measure this device's responses for the unit in the period again and keep its largest burst
    (nothing when it has none)."""
    times = list(
        Response.objects.filter(
            period_id=period_id, unit_id=unit_id, client_hash=client_hash, channel=Response.Channel.ONLINE
        )
        .annotate(filled=filled_at())
        .values_list("submitted_at", "filled")
    )
    for burst in device_burst((unit_id, client_hash), times):
        BurstTally.objects.update_or_create(
            period_id=period_id, unit_id=unit_id, client_hash=client_hash,
            defaults={"largest": burst.largest, "started_at": burst.started_at, "ended_at": burst.ended_at,
                      "responses": burst.responses},
        )  # fmt: skip
