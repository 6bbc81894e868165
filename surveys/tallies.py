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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from surveys.models import (
    ANSWER_COUNT_FIELDS,
    DURASI_TALLIED_BELOW,
    RESPONSE_CONTENT_FIELDS,
    UNSUR_FIELDS,
    KeyedTally,
    Pekerjaan,
    Pendidikan,
    Sex,
)
from surveys.rules import KELOMPOK_UMUR, kelompok_umur

_ANSWER_INDEX = {name: index for index, name in enumerate(ANSWER_COUNT_FIELDS)}


def content_hash(values: Mapping[str, Any]) -> int:
    """A signed 64-bit hash of everything a respondent filled in (the same for the same content, in
    every process); stored on the response, indexed with its unit."""
    return int(content_hashes([[str(values[name])] for name in RESPONSE_CONTENT_FIELDS])[0])


def content_hashes(columns: Sequence[Sequence[str]]) -> np.ndarray:
    """content_hash of many responses at once, given as text columns in RESPONSE_CONTENT_FIELDS'
    order (an int64 array)."""
    digest = hashlib.blake2b
    rows = zip(*columns, strict=True)
    digests = b"".join(digest("\x1f".join(row).encode("utf-8"), digest_size=8).digest() for row in rows)
    return np.frombuffer(digests, dtype=">i8").astype(np.int64)


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

    def add(
        self, values: Mapping[str, Any], filled: datetime, *, channel: str = "", durasi: int | None = None
    ) -> None:
        """One response, with its answers u1..u9 and profile as stored, its channel (an import
        counts its own: channel_added) and its filling duration in seconds (None: not known)."""
        self.respondents += 1
        if channel:
            self.keys[(KeyedTally.Kind.CHANNEL, channel)] += 1
        if durasi is not None and durasi < DURASI_TALLIED_BELOW:
            self.keys[(KeyedTally.Kind.DURASI, str(durasi))] += 1
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

    def channel_added(self, channel: str) -> None:
        """Every respondent of this delta came through `channel` (an import's file)."""
        self.keys[(KeyedTally.Kind.CHANNEL, channel)] += self.respondents

    def duplicates_found(self, count: int, first: datetime | None) -> None:
        """`count` more responses are duplicates (see duplicate_change), the first filled in at `first`."""
        self.duplicates += count
        if first is not None and (self.first_duplicate_at is None or first < self.first_duplicate_at):
            self.first_duplicate_at = first


# The values each kind of KeyedTally counts, in a fixed order: columns of TallyColumns.keyed.
KEYED_VALUES = (
    *((KeyedTally.Kind.UMUR, label) for label, _low, _high in KELOMPOK_UMUR),
    *((KeyedTally.Kind.JENIS_KELAMIN, value) for value in Sex.values),
    *((KeyedTally.Kind.PENDIDIKAN, value) for value in Pendidikan.values),
    *((KeyedTally.Kind.PEKERJAAN, value) for value in Pekerjaan.values),
)
_KEYED_COLUMN = {key: index for index, key in enumerate(KEYED_VALUES)}
_NO_PATTERN = -1  # no vote yet ("" in TallyDelta)


@dataclass(frozen=True)
class TallyColumns:
    """What many responses add to their units' tallies, one row per unit (ascending unit ids), as
    arrays: an import counts frame after frame and makes TallyDelta objects once, at the end."""

    units: np.ndarray  # int64
    respondents: np.ndarray
    answer_counts: np.ndarray  # one column per ANSWER_COUNT_FIELDS
    answer_square_sum: np.ndarray
    first: np.ndarray  # filling times, microseconds since the epoch (UTC)
    last: np.ndarray
    keyed: np.ndarray  # one column per KEYED_VALUES
    pattern: np.ndarray  # the vote's candidate: its nine answers - 1 as a base-4 number, or _NO_PATTERN
    lead: np.ndarray

    @classmethod
    def empty(cls) -> TallyColumns:
        none = np.zeros(0, dtype=np.int64)
        return cls(
            none, none, np.zeros((0, len(ANSWER_COUNT_FIELDS)), np.int64), none, none, none,
            np.zeros((0, len(KEYED_VALUES)), np.int64), none, none,
        )  # fmt: skip

    def merged(self, other: TallyColumns) -> TallyColumns:
        """Both together: the figures of their responses added up, the votes merged (merged_vote,
        self's vote first)."""
        units = np.union1d(self.units, other.units)
        mine, theirs = np.searchsorted(units, self.units), np.searchsorted(units, other.units)

        def summed(name: str) -> np.ndarray:
            column = np.zeros((len(units), *getattr(self, name).shape[1:]), dtype=np.int64)
            column[mine] += getattr(self, name)
            column[theirs] += getattr(other, name)
            return column

        def spanned(name: str, bound: int, pick) -> np.ndarray:
            column = np.full(len(units), bound, dtype=np.int64)
            column[mine] = getattr(self, name)
            column[theirs] = pick(column[theirs], getattr(other, name))
            return column

        pattern, lead = np.full(len(units), _NO_PATTERN, dtype=np.int64), np.zeros(len(units), dtype=np.int64)
        pattern[mine], lead[mine] = self.pattern, self.lead
        candidate, candidate_lead = pattern[theirs], lead[theirs]
        same = candidate == other.pattern  # merged_vote, unit by unit
        ahead = ~same & (candidate_lead >= other.lead) & (candidate_lead > 0)
        pattern[theirs] = np.where(same | ahead, candidate, other.pattern)
        behind = other.lead - candidate_lead
        lead[theirs] = np.where(same, candidate_lead + other.lead, np.where(ahead, -behind, behind))
        extreme = np.iinfo(np.int64)
        return TallyColumns(
            units, summed("respondents"), summed("answer_counts"), summed("answer_square_sum"),
            spanned("first", extreme.max, np.minimum), spanned("last", extreme.min, np.maximum), summed("keyed"),
            pattern, lead,
        )  # fmt: skip

    def deltas(self) -> dict[int, TallyDelta]:
        """The same figures as TallyDelta objects, by unit id."""
        deltas = {}
        for index, unit in enumerate(self.units.tolist()):
            keyed = self.keyed[index].tolist()
            deltas[unit] = TallyDelta(
                respondents=int(self.respondents[index]), answer_counts=self.answer_counts[index].tolist(),
                answer_square_sum=int(self.answer_square_sum[index]),
                first_filled_at=epoch_moment(int(self.first[index])),
                last_filled_at=epoch_moment(int(self.last[index])),
                keys=Counter({key: count for key, count in zip(KEYED_VALUES, keyed, strict=True) if count}),
                pattern_candidate=_pattern_text(int(self.pattern[index])), pattern_lead=int(self.lead[index]),
            )  # fmt: skip
        return deltas


def rows_tallies(
    unit_id: np.ndarray, filled_at: np.ndarray, umur: np.ndarray, profile: Sequence[np.ndarray], answers: np.ndarray
) -> TallyColumns:
    """What many responses add to their units' tallies, counted column by column: the same figures
    as TallyDelta.add for each (duplicates aside). Arrays: unit ids, filling times (datetime64[us],
    UTC), ages, the profile's sex, education and occupation (stored values), and one column of
    answers (1..4) per unsur."""
    units, position = np.unique(unit_id, return_inverse=True)
    count = len(units)
    respondents = np.bincount(position, minlength=count)
    answer_counts = np.hstack(
        [
            np.bincount(position * 4 + answers[:, k] - 1, minlength=count * 4).reshape(count, 4)
            for k in range(answers.shape[1])
        ]
    )
    totals = answers.sum(axis=1)
    # Exact in float: at most 36² per response, far below 2**53 for any file.
    squares = np.rint(np.bincount(position, weights=(totals * totals).astype(np.float64), minlength=count))
    order = np.argsort(position, kind="stable")
    starts = np.concatenate(([0], np.cumsum(respondents)[:-1]))
    moments = filled_at.astype("datetime64[us]").astype(np.int64)[order]
    first, last = np.minimum.reduceat(moments, starts), np.maximum.reduceat(moments, starts)
    band = np.searchsorted([low for _label, low, _high in KELOMPOK_UMUR[1:]], umur, side="right")
    columns = [band]  # the columns of KEYED_VALUES each row adds one to
    kinds = (KeyedTally.Kind.JENIS_KELAMIN, KeyedTally.Kind.PENDIDIKAN, KeyedTally.Kind.PEKERJAAN)
    for kind, values in zip(kinds, profile, strict=True):
        codes, labels = pd.factorize(values)
        columns.append(np.array([_KEYED_COLUMN[(kind, label)] for label in labels], dtype=np.int64)[codes])
    width = len(KEYED_VALUES)
    keyed = sum(
        np.bincount(position * width + column, minlength=count * width).reshape(count, width) for column in columns
    )
    pattern, lead = _votes(position, count, respondents, answers)
    return TallyColumns(
        units.astype(np.int64), respondents.astype(np.int64), answer_counts.astype(np.int64),
        squares.astype(np.int64), first, last, keyed.astype(np.int64), pattern, lead,
    )  # fmt: skip


def _votes(
    position: np.ndarray, count: int, respondents: np.ndarray, answers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's majority vote from exact counts: the most given set of answers, with a lead of
    twice its count minus the respondents (or 0). Merged with other votes (merged_vote), it keeps
    what a vote must: a set given by more than half of all respondents ends as the candidate."""
    width = answers.shape[1]
    pattern = ((answers - 1) * (4 ** np.arange(width - 1, -1, -1))).sum(axis=1)
    keys, counts = np.unique(position.astype(np.int64) * 4**width + pattern, return_counts=True)
    owner, pattern = keys // 4**width, keys % 4**width
    order = np.lexsort((counts, owner))  # by unit, the most given set last
    last = order[np.flatnonzero(np.append(owner[order][1:] != owner[order][:-1], True))]
    return pattern[last].astype(np.int64), np.maximum(2 * counts[last] - respondents[owner[last]], 0).astype(np.int64)


def _pattern_text(pattern: int) -> str:
    """A vote's candidate as answer_pattern has it ("" for none)."""
    if pattern == _NO_PATTERN:
        return ""
    width = len(UNSUR_FIELDS)
    return "".join(str(pattern // 4 ** (width - 1 - k) % 4 + 1) for k in range(width))


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
    return {unit: (count, epoch_moment(first)) for unit, (count, first) in found.items()}


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def epoch_microseconds(moment: datetime) -> int:
    """A time as an exact integer (a float of seconds loses the last microsecond)."""
    return (moment - _EPOCH) // _MICROSECOND


def epoch_moment(microseconds: int) -> datetime:
    return _EPOCH + timedelta(microseconds=microseconds)
