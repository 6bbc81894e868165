"""Replacing a period's running totals by a count of its responses: where responses came before the
tallies (a migration), or were written around them (the rebuild_tallies command). Models are
parameters, so a migration passes its historical ones."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from surveys import models as current
from surveys.models import Period
from surveys.selectors.tally_counts import bursts_counted, tallies_counted
from surveys.services.tallies import tallies_add


def tallies_rebuild(
    *, period_id: int, response_model: Any = current.Response, unit_tally_model: Any = current.UnitTally,
    keyed_tally_model: Any = current.KeyedTally, burst_tally_model: Any = current.BurstTally,
) -> int:  # fmt: skip
    """Replace the period's tallies by a count of its responses; how many responses were counted.
    Run inside a transaction that holds the period against writers (the command does)."""
    for model in (unit_tally_model, keyed_tally_model, burst_tally_model):
        model.objects.filter(period_id=period_id).delete()
    deltas = tallies_counted(period_id=period_id, response_model=response_model)
    tallies_add(period_id=period_id, deltas=deltas)
    burst_tally_model.objects.bulk_create(
        [
            burst_tally_model(
                period_id=period_id,
                unit_id=burst.unit_id,
                client_hash=burst.client_hash,
                largest=burst.largest,
                started_at=burst.started_at,
                ended_at=burst.ended_at,
                responses=burst.responses,
            )  # fmt: skip
            for burst in bursts_counted(period_id=period_id, response_model=response_model)
        ],
        batch_size=1000,
    )
    return sum(delta.respondents for delta in deltas.values())


@transaction.atomic
def period_tallies_rebuild(*, period: Period) -> int:
    """tallies_rebuild for the rebuild_tallies command: submissions and imports of the period (which
    hold it shared) finish first, new ones wait until the count is written."""
    Period.objects.select_for_update().get(pk=period.pk)
    return tallies_rebuild(period_id=period.pk)
