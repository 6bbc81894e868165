"""What responses add to their unit's running totals (surveys.models.UnitTally, KeyedTally): pure,
so the questionnaire, paper entry, imports and the rebuild command count the same way.

A response adds one respondent, one to the count of the answer it gave to each unsur, the square
of its nine answers' total (for the interval), its filling time to the unit's span, one to each
value of its profile (the report's age band, sex, education, occupation) and its set of nine
answers to the majority vote. Its content hash identifies an identical submission.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from surveys.models import ANSWER_COUNT_FIELDS, RESPONSE_CONTENT_FIELDS, UNSUR_FIELDS, KeyedTally
from surveys.rules import kelompok_umur

_ANSWER_INDEX = {name: index for index, name in enumerate(ANSWER_COUNT_FIELDS)}


def content_hash(values: Mapping[str, Any]) -> int:
    """A signed 64-bit hash of everything a respondent filled in (the same for the same content, in
    every process); stored on the response, indexed with its unit."""
    text = "\x1f".join(str(values[name]) for name in RESPONSE_CONTENT_FIELDS)
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def answer_pattern(values: Mapping[str, Any]) -> str:
    """The nine answers as one key, e.g. "443344434"."""
    return "".join(str(values[name]) for name in UNSUR_FIELDS)


def profile_keys(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (KeyedTally.Kind.UMUR, kelompok_umur(values["umur"])),
        (KeyedTally.Kind.JENIS_KELAMIN, values["jenis_kelamin"]),
        (KeyedTally.Kind.PENDIDIKAN, values["pendidikan"]),
        (KeyedTally.Kind.PEKERJAAN, values["pekerjaan"]),
    ]


@dataclass
class TallyDelta:
    """What some responses of one unit add to its tallies."""

    respondents: int = 0
    answer_counts: list[int] = field(default_factory=lambda: [0] * len(ANSWER_COUNT_FIELDS))
    answer_square_sum: int = 0
    first_filled_at: datetime | None = None
    last_filled_at: datetime | None = None
    duplicates: int = 0
    first_duplicate_at: datetime | None = None
    keys: Counter = field(default_factory=Counter)  # (kind, value) -> count
    pattern_candidate: str = ""
    pattern_lead: int = 0

    def add(self, values: Mapping[str, Any], filled: datetime) -> None:
        """One response, with its answers u1..u9 and profile as stored."""
        self.respondents += 1
        total = 0
        for name in UNSUR_FIELDS:
            answer = values[name]
            self.answer_counts[_ANSWER_INDEX[f"{name}_{answer}"]] += 1
            total += answer
        self.answer_square_sum += total * total
        self.span(filled, filled)
        self.keys.update(profile_keys(values))
        self.vote(answer_pattern(values), 1)

    def vote(self, pattern: str, lead: int) -> None:
        """Boyer-Moore's majority vote, merged with another vote (a single response: lead 1)."""
        self.pattern_candidate, self.pattern_lead = merged_vote(
            self.pattern_candidate, self.pattern_lead, pattern, lead
        )

    def span(self, first: datetime, last: datetime) -> None:
        self.first_filled_at = first if self.first_filled_at is None else min(self.first_filled_at, first)
        self.last_filled_at = last if self.last_filled_at is None else max(self.last_filled_at, last)

    def duplicates_found(self, count: int, first: datetime | None) -> None:
        """`count` more responses are duplicates (see duplicate_change), the first filled in at `first`."""
        self.duplicates += count
        if first is not None and (self.first_duplicate_at is None or first < self.first_duplicate_at):
            self.first_duplicate_at = first


def merged_vote(candidate: str, lead: int, other: str, other_lead: int) -> tuple[str, int]:
    """Two majority votes as one (the SQL of surveys.services.tallies does the same): the same
    candidate adds its leads, different ones cancel out. A set of answers given by more than half of
    all respondents survives any order of merging."""
    if candidate == other:
        return candidate, lead + other_lead
    if lead >= other_lead and lead > 0:
        return candidate, lead - other_lead
    return other, abs(other_lead - lead)


def largest_window(stamps: list[datetime], window: timedelta, size: int) -> tuple[int, datetime, datetime, int]:
    """Of sorted times: (the largest count within `window`, its first and last time, how many of
    the times lie in a window holding `size` or more)."""
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


def duplicate_change(
    filled: datetime, before: datetime | None, after: datetime | None, window: timedelta
) -> tuple[int, datetime | None]:
    """How many duplicates one more response adds to its (unit, content) group, and the filling
    time of the first of them.

    A response is a duplicate when the identical one filled in just before it (ties by arrival)
    lies within `window`. Inserted between `before` and `after` (the group's nearest filling times,
    or None), it may be one itself and may make `after` one; `after` was one already if `before`
    was close enough (and stays one: never fewer)."""
    was = before is not None and after is not None and after - before <= window
    this = before is not None and filled - before <= window
    next_one = after is not None and after - filled <= window
    first = filled if this else after if next_one else None
    return int(this) + int(next_one) - int(was), first


def duplicates_by_unit(
    units: np.ndarray, contents: np.ndarray, moments: np.ndarray, window: timedelta
) -> dict[int, tuple[int, datetime]]:
    """Of responses given as int64 arrays (unit id, content hash, filling time in microseconds since
    the epoch, see epoch_microseconds): per unit, how many are duplicates (see duplicate_change) and
    the filling time of the first one."""
    if len(units) < 2:
        return {}
    order = np.lexsort((moments, contents, units))  # by unit, then content, then filling time
    units, contents, moments = units[order], contents[order], moments[order]
    repeat = (
        (units[1:] == units[:-1])
        & (contents[1:] == contents[:-1])
        & (moments[1:] - moments[:-1] <= window // _MICROSECOND)
    )
    found: dict[int, tuple[int, int]] = {}
    for unit, at in zip(units[1:][repeat].tolist(), moments[1:][repeat].tolist(), strict=True):
        count, first = found.get(unit, (0, at))
        found[unit] = (count + 1, min(first, at))
    return {unit: (count, _EPOCH + timedelta(microseconds=first)) for unit, (count, first) in found.items()}


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def epoch_microseconds(moment: datetime) -> int:
    """A time as an exact integer (a float of seconds loses the last microsecond)."""
    return (moment - _EPOCH) // _MICROSECOND
