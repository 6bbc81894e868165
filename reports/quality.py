"""Reads of data quality: which units' figures deserve a second look, and why.

Each flag carries the evidence that raised it. Thresholds are settings (SKM_FLAG_*). A flag
only warns: responses are never hidden or deleted because of one. Every detector is one
query over the period (window functions or a GROUP BY), not a loop over responses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Window
from django.db.models.functions import Lag
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.models import UNSUR_FIELDS, Period, Response, filled_at
from units.models import Unit

from . import skm
from .models import FlagReview
from .selectors import UnitResult, previous_period, unit_results

BURST = "burst"
DUPLICATE = "duplicate"
OVER_POPULATION = "over_population"
UNIFORM_ANSWERS = "uniform_answers"
IKM_CHANGE = "ikm_change"
FLAG_LABELS = {
    BURST: gettext_lazy("Burst from one device"),
    DUPLICATE: gettext_lazy("Repeated identical submissions"),
    OVER_POPULATION: gettext_lazy("More respondents than service users"),
    UNIFORM_ANSWERS: gettext_lazy("Nearly identical answers"),
    IKM_CHANGE: gettext_lazy("Large IKM change"),
}
# What makes two submissions identical: everything the respondent filled in.
_CONTENT_FIELDS = ("umur", "jenis_kelamin", "pendidikan", "pekerjaan", "jenis_layanan", *UNSUR_FIELDS, "saran")


@dataclass(frozen=True)
class Flag:
    code: str
    unit_id: int
    facts: dict[str, Any]  # the evidence, as plain values
    review: FlagReview | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return str(FLAG_LABELS[self.code])

    @property
    def fingerprint(self) -> str:
        """What a reviewer saw: a SHA-256 of the facts that, if they change, call for another look."""
        keys = _FINGERPRINT_KEYS[self.code]
        facts = json.dumps({key: self.facts[key] for key in keys}, sort_keys=True, default=str)
        return hashlib.sha256(facts.encode()).hexdigest()

    @property
    def reviewed(self) -> bool:
        return self.review is not None and self.review.fingerprint == self.fingerprint

    @property
    def evidence(self) -> str:
        f = self.facts
        if self.code == BURST:
            return _(
                "%(clients)s device(s) sent up to %(largest)s responses within %(minutes)s minutes "
                "(largest burst %(start)s to %(end)s; %(responses)s responses in such bursts)."
            ) % {**f, "start": _when(f["start"]), "end": _when(f["end"]), "minutes": settings.SKM_FLAG_BURST_MINUTES}
        if self.code == DUPLICATE:
            return _(
                "%(repeats)s response(s) repeat an earlier one exactly (answers, profile and suggestion) "
                "within %(minutes)s minutes; first at %(first)s."
            ) % {**f, "first": _when(f["first"]), "minutes": settings.SKM_FLAG_DUPLICATE_MINUTES}
        if self.code == OVER_POPULATION:
            return _("%(respondents)s respondents, but the unit entered %(populasi)s service users for the period.") % f
        if self.code == UNIFORM_ANSWERS:
            return _("%(count)s of %(respondents)s responses (%(percent)s %%) give the same nine answers %(answers)s.") % f
        return _("IKM %(previous)s in %(previous_period)s, %(current)s now (%(change)s points).") % f


_FINGERPRINT_KEYS = {
    BURST: ("clients", "hashes", "band"),
    DUPLICATE: ("repeats",),
    OVER_POPULATION: ("populasi",),
    UNIFORM_ANSWERS: ("answers", "band"),
    IKM_CHANGE: ("previous_period", "direction", "band"),
}


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def _band(value: Fraction) -> int:
    """Five-point steps: a reviewed flag opens again when its size moves into another step."""
    return int(value // 5)


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
    key = "skm:flags:" + hashlib.sha256(
        repr((period.pk, sorted(r.unit_id for r in results), state, thresholds)).encode()
    ).hexdigest()
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
                earlier=Window(Lag(time, offset=size - 1), partition_by=[F("unit_id"), F("client_hash")],
                               order_by=[time.asc(), F("pk").asc()]),
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
        yield Flag(BURST, unit_id, {
            "clients": len(items), "largest": largest, "start": start, "end": end,
            "band": largest // size,  # a burst grown to another multiple is new evidence
            "responses": sum(worst[3] for _client, worst in items),
            # Short prefixes of the keyed hashes tell devices apart in the fingerprint (itself hashed).
            "hashes": sorted(client[:8] for client, _worst in items),
        })


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
            in_burst[low:high + 1] = [True] * count
        if count > largest:
            largest, start, end = count, stamps[low], at
    return largest, start, end, sum(in_burst)


def _duplicates(responses) -> Iterable[Flag]:
    """Responses whose every filled-in value repeats an earlier response of the unit within the window."""
    window = timedelta(minutes=settings.SKM_FLAG_DUPLICATE_MINUTES)
    repeats = (
        responses.annotate(
            at=filled_at(),
            earlier=Window(Lag(filled_at()), partition_by=[F(name) for name in ("unit_id", *_CONTENT_FIELDS)],
                           order_by=[filled_at().asc(), F("pk").asc()]),
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
            yield Flag(UNIFORM_ANSWERS, unit_id, {
                "count": count, "respondents": respondents,
                "percent": skm.angka(percent, 1),
                "answers": "-".join(str(a) for a in answers),
                "band": _band(percent),
            })


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
            yield Flag(IKM_CHANGE, now.unit_id, {
                "previous_period": before.kode, "previous": skm.angka(earlier.ikm), "current": skm.angka(now.ikm),
                "change": ("+" if change > 0 else "") + skm.angka(change), "direction": "up" if change > 0 else "down",
                "band": _band(abs(change)),
            })


@dataclass(frozen=True)
class QualityNotes:
    """The annex "Catatan kualitas data" of the city report's internal edition."""

    below_sample: list[UnitResult]
    without_population: list[UnitResult]
    wide_intervals: list[UnitResult]
    open_flags: list[tuple[UnitResult, Flag]]

    @property
    def empty(self) -> bool:
        return not (self.below_sample or self.without_population or self.wide_intervals or self.open_flags)


def quality_notes(*, period: Period, results: list[UnitResult]) -> QualityNotes:
    """What a reader of the internal report should know before comparing units (units with responses)."""
    counted = [r for r in results if r.respondents]
    flags = period_flags(period=period, results=counted)
    wide = settings.SKM_WIDE_INTERVAL
    return QualityNotes(
        below_sample=[r for r in counted if r.sample_reached is False],
        without_population=[r for r in counted if r.sample_reached is None],
        wide_intervals=[r for r in counted if r.ikm_ci95 is None or r.ikm_ci95[1] - r.ikm_ci95[0] > wide],
        open_flags=[(r, flag) for r in counted for flag in flags.get(r.unit_id, []) if not flag.reviewed],
    )
