"""Reads of data quality: which units' figures deserve a second look, and why.

Thresholds are settings (SKM_FLAG_*). A flag only warns: responses are never hidden or deleted
because of one. Every flag reads what the responses' writes keep (surveys.models.UnitTally,
BurstTally): a few rows per unit, however many responses; nothing sorts the period, nothing
needs a cache that a new response would make stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from fractions import Fraction

from django.conf import settings
from django.db.models import QuerySet

from reports import skm
from reports.flags import BURST, DUPLICATE, IKM_CHANGE, OVER_POPULATION, TOO_FAST, UNIFORM_ANSWERS, Flag, band
from reports.models import FlagReview
from reports.selectors.results import UnitResult, unit_results
from surveys.models import UNSUR_FIELDS, BurstTally, KeyedTally, Period, Response
from surveys.selectors.periods import previous_period
from units.models import Unit

# Reads for at most this many units name them (an index lookup each); a whole city reads the
# period's rows and keeps its units' (no statement with thousands of parameters).
_LISTED_UNITS = 100


def _of_units(rows: QuerySet, unit_ids: set[int]) -> QuerySet:
    """`rows` narrowed to these units when they are few; else all the period's (the caller keeps its units')."""
    return rows.filter(unit_id__in=unit_ids) if len(unit_ids) <= _LISTED_UNITS else rows


def period_flags(
    *,
    period: Period,
    results: list[UnitResult],
    previous: tuple[Period | None, list[UnitResult]] | None = None,
    durations: dict[int, dict[str, int]] | None = None,
) -> dict[int, list[Flag]]:
    """Every flag of the units in `results` for the period, by unit id, with their reviews.

    `previous`: the previous period (None: there is none) and these units' results in it, when
    already read (else they are read here); `durations`: the units' tallied filling durations
    (value: seconds, count), when already read."""
    unit_ids = {r.unit_id for r in results}
    found: list[Flag] = [
        *_bursts(period, unit_ids),
        *_duplicates(results),
        *_over_population(results),
        *_uniform_answers(period, results),
        *_ikm_changes(period, results, previous),
        *_too_fast(period, unit_ids, durations),
    ]
    if not found:
        return {}  # nothing to review
    reviewed = _of_units(FlagReview.objects.filter(period=period).select_related("reviewed_by"), unit_ids)
    reviews = {(review.unit_id, review.code): review for review in reviewed}
    flags: dict[int, list[Flag]] = {}
    for flag in found:
        review = reviews.get((flag.unit_id, flag.code))
        flags.setdefault(flag.unit_id, []).append(replace(flag, review=review))
    return flags


def unit_flags(
    *,
    period: Period,
    result: UnitResult,
    previous: tuple[Period | None, UnitResult | None] | None = None,
    durations: dict[str, int] | None = None,
) -> list[Flag]:
    """The unit's flags; `previous`: the previous period and the unit's result in it, `durations`:
    its tallied filling durations, if already read."""
    if previous is not None:
        before, earlier = previous
        previous = (before, [earlier] if earlier is not None else [])
    known = {result.unit_id: durations} if durations is not None else None
    return period_flags(period=period, results=[result], previous=previous, durations=known).get(result.unit_id, [])


def _bursts(period: Period, unit_ids: set[int]) -> Iterable[Flag]:
    """Units that one device or more sent SKM_FLAG_BURST_RESPONSES online responses or more within
    SKM_FLAG_BURST_MINUTES, by arrival or by filling time (surveys.services.bursts keeps each
    device's largest burst as it happens)."""
    per_unit: dict[int, list[BurstTally]] = {}
    for burst in _of_units(BurstTally.objects.filter(period=period), unit_ids).order_by("unit_id", "client_hash"):
        if burst.unit_id in unit_ids:
            per_unit.setdefault(burst.unit_id, []).append(burst)
    size = settings.SKM_FLAG_BURST_RESPONSES
    for unit_id, bursts in sorted(per_unit.items()):
        worst = max(bursts, key=lambda b: (b.largest, b.started_at, b.ended_at, b.responses))
        yield Flag(
            BURST,
            unit_id,
            {
                "clients": len(bursts),
                "largest": worst.largest,
                "start": worst.started_at,
                "end": worst.ended_at,
                "band": worst.largest // size,  # a burst grown to another multiple is new evidence
                "responses": sum(b.responses for b in bursts),
                # Short prefixes of the keyed hashes tell devices apart in the fingerprint (itself hashed).
                "hashes": sorted(b.client_hash[:8] for b in bursts),
            },
        )


def _too_fast(period: Period, unit_ids: set[int], durations: dict[int, dict[str, int]] | None) -> Iterable[Flag]:
    """Units with SKM_FLAG_TOO_FAST_MIN_RESPONSES responses or more (any channel) filled in under
    SKM_FLAG_TOO_FAST_SECONDS, from the form shown to the form sent: nine questions and the
    profile are not read that fast. Reads the durations tallied to the second (a few rows a unit)."""
    floor, minimum = settings.SKM_FLAG_TOO_FAST_SECONDS, settings.SKM_FLAG_TOO_FAST_MIN_RESPONSES
    if durations is None:
        rows = KeyedTally.objects.filter(period=period, kind=KeyedTally.Kind.DURASI, count__gt=0)
        tallied = _of_units(rows, unit_ids).values_list("unit_id", "value", "count")
    else:
        tallied = [(unit_id, value, count) for unit_id, counts in durations.items() for value, count in counts.items()]
    fast: dict[int, list[tuple[int, int]]] = {}
    for unit_id, value, count in tallied:
        if unit_id in unit_ids and count > 0 and int(value) < floor:
            fast.setdefault(unit_id, []).append((int(value), count))
    for unit_id, durations in sorted(fast.items()):
        count = sum(n for _seconds, n in durations)
        if count >= minimum:
            facts = {"count": count, "seconds": floor, "fastest": min(durations)[0], "band": count // minimum}
            yield Flag(TOO_FAST, unit_id, facts)


def _duplicates(results: list[UnitResult]) -> Iterable[Flag]:
    """Responses whose every filled-in value repeats the one filled in just before it within
    SKM_FLAG_DUPLICATE_MINUTES (counted as they are stored)."""
    for r in results:
        if r.duplicates:
            yield Flag(DUPLICATE, r.unit_id, {"repeats": r.duplicates, "first": r.first_duplicate_at})


def _over_population(results: list[UnitResult]) -> Iterable[Flag]:
    for r in results:
        if r.populasi and r.respondents > r.populasi:
            yield Flag(OVER_POPULATION, r.unit_id, {"respondents": r.respondents, "populasi": r.populasi})


def _uniform_answers(period: Period, results: list[UnitResult]) -> Iterable[Flag]:
    """Units where one set of nine answers covers more than the configured share.

    Such a set holds the majority, so it is the unit's vote candidate and its lead is at least
    (2 x share - 1) x respondents (surveys.models.UnitTally): only such units are counted exactly,
    one query each over the unit's responses."""
    share, minimum = Fraction(str(settings.SKM_FLAG_UNIFORM_SHARE)), settings.SKM_FLAG_UNIFORM_MIN_RESPONDENTS
    # lead < (2 x share - 1) x respondents, in integers (a Fraction per unit costs more than the test)
    lead_top, lead_bottom = (2 * share - 1).numerator, (2 * share - 1).denominator
    for r in results:
        if r.respondents < minimum or not r.pattern_candidate:
            continue
        if r.pattern_lead * lead_bottom < lead_top * r.respondents:
            continue
        answers = dict(zip(UNSUR_FIELDS, (int(a) for a in r.pattern_candidate), strict=True))
        count = Response.objects.filter(period=period, unit_id=r.unit_id, **answers).count()
        percent = Fraction(100 * count, r.respondents)
        if percent > 100 * share:
            yield Flag(
                UNIFORM_ANSWERS,
                r.unit_id,
                {
                    "count": count,
                    "respondents": r.respondents,
                    "percent": skm.angka(percent, 1),
                    "answers": "-".join(r.pattern_candidate),
                    "band": band(percent),
                },
            )


def _ikm_changes(
    period: Period, results: list[UnitResult], previous: tuple[Period | None, list[UnitResult]] | None
) -> Iterable[Flag]:
    current = {r.unit_id: r for r in results if r.respondents}
    if not current:
        return
    if previous is None:
        before = previous_period(period)
        if before is None:
            return
        units = [Unit(pk=unit_id) for unit_id in current] if len(current) <= _LISTED_UNITS else None
        earlier_results = unit_results(period=before, units=units)
    else:
        before, earlier_results = previous  # no previous period: (None, [])
    limit = Fraction(str(settings.SKM_FLAG_IKM_CHANGE))
    for earlier in earlier_results:
        now = current.get(earlier.unit_id)
        if now is None or not earlier.respondents:
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
