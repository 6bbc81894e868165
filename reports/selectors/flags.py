"""Reads of data quality: which units' figures deserve a second look, and why.

Thresholds are settings (SKM_FLAG_*). A flag only warns: responses are never hidden or deleted
because of one. Every detector is one query over the period (window functions or a GROUP BY),
not a loop over responses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from fractions import Fraction

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Window
from django.db.models.functions import Lag

from reports import skm
from reports.flags import BURST, DUPLICATE, IKM_CHANGE, OVER_POPULATION, UNIFORM_ANSWERS, Flag, band
from reports.models import FlagReview
from reports.selectors.results import UnitResult, unit_results
from surveys.models import RESPONSE_CONTENT_FIELDS, UNSUR_FIELDS, Period, Response, filled_at
from surveys.selectors.periods import previous_period
from units.models import Unit


def period_flags(*, period: Period, results: list[UnitResult]) -> dict[int, list[Flag]]:
    """Every flag of the units in `results` for the period, by unit id, with their reviews."""
    by_unit = {r.unit_id: r for r in results}
    responses = Response.objects.filter(period=period, unit_id__in=list(by_unit))
    found: list[Flag] = [
        *_response_patterns(period, responses, results),
        *_over_population(results),
        *_ikm_changes(period, results),
    ]
    reviews = {
        (review.unit_id, review.code): review
        for review in FlagReview.objects.filter(period=period, unit_id__in=list(by_unit)).select_related("reviewed_by")
    }
    flags: dict[int, list[Flag]] = {}
    for flag in found:
        review = reviews.get((flag.unit_id, flag.code))
        flags.setdefault(flag.unit_id, []).append(replace(flag, review=review))
    return flags


PATTERNS_CACHE_SECONDS = 600


def _response_patterns(period: Period, responses, results: list[UnitResult]) -> list[Flag]:
    """The flags read from the responses themselves: bursts, duplicates, uniform answers.

    Each sorts the period's responses, the dearest part of a dashboard. Responses are only ever
    added, so their count and highest id (with the units and thresholds) identify what these
    flags were computed from: cached under that, a dashboard sorts again only when one arrives.
    The expiry covers what changes without adding a response (the client-hash purge).
    """
    state = responses.aggregate(n=Count("id"), last=Max("id"))
    thresholds = [getattr(settings, name) for name in dir(settings) if name.startswith("SKM_FLAG_")]
    key = (
        "skm:flags:"
        + hashlib.sha256(repr((period.pk, sorted(r.unit_id for r in results), state, thresholds)).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = [*_bursts(responses), *_duplicates(responses), *_uniform_answers(responses, results)]
        cache.set(key, found, PATTERNS_CACHE_SECONDS)
    return found


def unit_flags(*, period: Period, result: UnitResult) -> list[Flag]:
    return period_flags(period=period, results=[result]).get(result.unit_id, [])


def _bursts(responses) -> Iterable[Flag]:
    """Online responses for one unit from one client (keyed hash), `K` or more within the window,
    on either timeline: when they arrived (a script posting fast), or when they were filled in
    (a device's own times; a phone sending its offline queue at once arrives as a burst too,
    which a reviewer recognises from the evidence).

    The database lags each response by K-1 within its (unit, client): a row whose lagged time is
    inside the window closes a burst.
    """
    size, window = settings.SKM_FLAG_BURST_RESPONSES, timedelta(minutes=settings.SKM_FLAG_BURST_MINUTES)
    online = responses.filter(channel=Response.Channel.ONLINE).exclude(client_hash="")
    timelines = (F("submitted_at"), filled_at())
    clients: set[tuple[int, str]] = set()
    for time in timelines:
        closing = (
            online.annotate(
                at=time,
                earlier=Window(
                    Lag(time, offset=size - 1),
                    partition_by=[F("unit_id"), F("client_hash")],
                    order_by=[time.asc(), F("pk").asc()],
                ),
            )
            .filter(earlier__isnull=False)
            .values_list("unit_id", "client_hash", "at", "earlier")
        )
        clients |= {(unit_id, client) for unit_id, client, at, earlier in closing if at - earlier <= window}
    if not clients:
        return
    times: dict[tuple[int, str], tuple[list[datetime], list[datetime]]] = {}
    for unit_id, client, arrived, filled in (
        online.filter(client_hash__in={client for _unit, client in clients})
        .annotate(filled=filled_at())
        .values_list("unit_id", "client_hash", "submitted_at", "filled")
    ):
        if (unit_id, client) in clients:
            arrivals, fillings = times.setdefault((unit_id, client), ([], []))
            arrivals.append(arrived)
            fillings.append(filled)
    per_unit: dict[int, list[tuple[str, tuple[int, datetime, datetime, int]]]] = {}
    for (unit_id, client), (arrivals, fillings) in times.items():
        worst = max(_largest_window(sorted(arrivals), window, size), _largest_window(sorted(fillings), window, size))
        per_unit.setdefault(unit_id, []).append((client, worst))
    for unit_id, items in sorted(per_unit.items()):
        largest, start, end, _in_burst = max(worst for _client, worst in items)
        yield Flag(
            BURST,
            unit_id,
            {
                "clients": len(items),
                "largest": largest,
                "start": start,
                "end": end,
                "band": largest // size,  # a burst grown to another multiple is new evidence
                "responses": sum(worst[3] for _client, worst in items),
                # Short prefixes of the keyed hashes tell devices apart in the fingerprint (itself hashed).
                "hashes": sorted(client[:8] for client, _worst in items),
            },
        )


def _largest_window(stamps: list[datetime], window: timedelta, size: int) -> tuple[int, datetime, datetime, int]:
    """(largest count within `window`, its first and last time, how many times are in a window of `size` or more)."""
    largest, start, end = 0, stamps[0], stamps[0]
    in_burst = [False] * len(stamps)
    low = 0
    for high, at in enumerate(stamps):  # the largest window ending at each time
        while at - stamps[low] > window:
            low += 1
        count = high - low + 1
        if count >= size:
            in_burst[low : high + 1] = [True] * count
        if count > largest:
            largest, start, end = count, stamps[low], at
    return largest, start, end, sum(in_burst)


def _duplicates(responses) -> Iterable[Flag]:
    """Responses whose every filled-in value repeats an earlier response of the unit within the window."""
    window = timedelta(minutes=settings.SKM_FLAG_DUPLICATE_MINUTES)
    repeats = (
        responses.annotate(
            at=filled_at(),
            earlier=Window(
                Lag(filled_at()),
                # Identical submissions: everything the respondent filled in is the same.
                partition_by=[F(name) for name in ("unit_id", *RESPONSE_CONTENT_FIELDS)],
                order_by=[filled_at().asc(), F("pk").asc()],
            ),
        )
        .filter(earlier__isnull=False)
        .values_list("unit_id", "at", "earlier")
    )
    per_unit: dict[int, list[datetime]] = {}
    for unit_id, at, earlier in repeats:
        if at - earlier <= window:
            per_unit.setdefault(unit_id, []).append(at)
    for unit_id, stamps in sorted(per_unit.items()):
        yield Flag(DUPLICATE, unit_id, {"repeats": len(stamps), "first": min(stamps)})


def _over_population(results: list[UnitResult]) -> Iterable[Flag]:
    for r in results:
        if r.populasi and r.respondents > r.populasi:
            yield Flag(OVER_POPULATION, r.unit_id, {"respondents": r.respondents, "populasi": r.populasi})


def _uniform_answers(responses, results: list[UnitResult]) -> Iterable[Flag]:
    """Units where the most common set of nine answers covers more than the configured share."""
    share, minimum = Fraction(str(settings.SKM_FLAG_UNIFORM_SHARE)), settings.SKM_FLAG_UNIFORM_MIN_RESPONDENTS
    by_unit = {r.unit_id: r for r in results if r.respondents >= minimum}
    if not by_unit:
        return
    # Only answer patterns common enough to reach the share in the smallest eligible unit can flag one.
    floor = int(share * min(r.respondents for r in by_unit.values()))
    patterns = (
        responses.filter(unit_id__in=list(by_unit))
        .values("unit_id", *UNSUR_FIELDS)
        .order_by()
        .annotate(n=Count("id"))
        .filter(n__gte=max(floor, 1))
    )
    top: dict[int, tuple[int, tuple[int, ...]]] = {}
    for row in patterns:
        answers = tuple(row[f] for f in UNSUR_FIELDS)
        if row["n"] > top.get(row["unit_id"], (0, ()))[0]:
            top[row["unit_id"]] = (row["n"], answers)
    for unit_id, (count, answers) in sorted(top.items()):
        respondents = by_unit[unit_id].respondents
        percent = Fraction(100 * count, respondents)
        if percent > 100 * share:
            yield Flag(
                UNIFORM_ANSWERS,
                unit_id,
                {
                    "count": count,
                    "respondents": respondents,
                    "percent": skm.angka(percent, 1),
                    "answers": "-".join(str(a) for a in answers),
                    "band": band(percent),
                },
            )


def _ikm_changes(period: Period, results: list[UnitResult]) -> Iterable[Flag]:
    before = previous_period(period)
    current = {r.unit_id: r for r in results if r.ikm is not None}
    if before is None or not current:
        return
    limit = Fraction(str(settings.SKM_FLAG_IKM_CHANGE))
    for earlier in unit_results(period=before, units=Unit.objects.filter(pk__in=list(current))):
        now = current[earlier.unit_id]
        if earlier.ikm is None:
            continue
        change = now.ikm - earlier.ikm
        if abs(change) > limit:
            yield Flag(
                IKM_CHANGE,
                now.unit_id,
                {
                    "previous_period": before.kode,
                    "previous": skm.angka(earlier.ikm),
                    "current": skm.angka(now.ikm),
                    "change": ("+" if change > 0 else "") + skm.angka(change),
                    "direction": "up" if change > 0 else "down",
                    "band": band(abs(change)),
                },
            )
