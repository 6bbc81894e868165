"""The rows of a responses file checked by the rules every response follows (surveys.rules), and
turned into the values an import inserts.

ResponseRowValidator.build checks one row and words each problem. A frame of rows goes through
ResponseRowValidator.valid_rows, which first takes the plain rows column by column (a code, a date,
numbers and choices written exactly as expected, text without anything to look at) and hands every
other row to build: the fast path accepts a part of what build accepts, with the same values, so
a file imports the same either way, only faster.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from skm_portal.import_problems import Message, Problems, shown
from skm_portal.plain_text import CONTROL_CHARACTER
from skm_portal.tabular import clean
from surveys.models import UNSUR_FIELDS, Pekerjaan, Pendidikan, Period
from surveys.rules import (
    FUTURE_TOLERANCE,
    JENIS_LAYANAN_MAX_LENGTH,
    SARAN_MAX_LENGTH,
    UMUR_MAX,
    UMUR_MIN,
    filling_time_problem,
    jenis_layanan_checked,
    saran_problem,
    umur_problem,
)
from units.models import JenisLayanan, Unit

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?$")  # YYYY-MM-DD[ HH:MM[:SS]]
_INTEGER = re.compile(r"\A([+-]?\d{1,9})(?:\.0+)?\Z")  # nine digits: more is no age or answer
_SMALL_INTEGERS = {str(n): n for n in range(101)}  # ages and answers: skips the regex for nearly every cell
_SEX = {"l": "L", "laki-laki": "L", "p": "P", "perempuan": "P"}
_PENDIDIKAN = {c.value.lower(): c.value for c in Pendidikan}
_PEKERJAAN = {c.value.lower(): c.value for c in Pekerjaan}
# The fast path's spellings: exactly as the canonical value or its lower case.
_FAST_SEX = {**_SEX, "L": "L", "P": "P", "Laki-laki": "L", "Perempuan": "P"}
_FAST_PENDIDIKAN = {**_PENDIDIKAN, **{c.value: c.value for c in Pendidikan}}
_FAST_PEKERJAAN = {**_PEKERJAAN, **{c.value: c.value for c in Pekerjaan}}
_FAST_UMUR = {str(n): n for n in range(UMUR_MIN, UMUR_MAX + 1)}
_FAST_ANSWER = {str(n): n for n in range(1, 5)}
_FAST_DATES = ((16, "%Y-%m-%d %H:%M"), (10, "%Y-%m-%d"), (19, "%Y-%m-%d %H:%M:%S"))  # as _DATE, by length
_ONE_DAY = pd.Timedelta(days=1)
_NUMBER_TEXTS = np.array([str(n) for n in range(UMUR_MAX + 1)], dtype=object)  # ages and answers as text


@dataclass(frozen=True)
class ValidRows:
    """Validated rows by column, in file order."""

    unit_id: np.ndarray  # int64
    filled_at: np.ndarray  # datetime64[us], UTC
    umur: np.ndarray  # int64
    jenis_kelamin: np.ndarray  # object: str
    pendidikan: np.ndarray
    pekerjaan: np.ndarray
    jenis_layanan: np.ndarray
    answers: np.ndarray  # int64, one column per unsur (u1..u9)
    saran: np.ndarray

    def __len__(self) -> int:
        return len(self.unit_id)

    def texts(self) -> list[list[str]]:
        """The columns of RESPONSE_CONTENT_FIELDS as text (what content hashes are made of)."""
        return [
            _NUMBER_TEXTS[self.umur].tolist(), self.jenis_kelamin.tolist(), self.pendidikan.tolist(),
            self.pekerjaan.tolist(), self.jenis_layanan.tolist(), *_NUMBER_TEXTS[self.answers.T].tolist(),
            self.saran.tolist(),
        ]  # fmt: skip


def parse_integer(value: str) -> int | None:
    """An integer from a cell: "7" and "7.0" are 7; anything else is None."""
    known = _SMALL_INTEGERS.get(value)
    if known is not None:
        return known
    match = _INTEGER.match(value.strip())
    return int(match.group(1)) if match else None


class ResponseRowValidator:
    """Turns one file row into the values of a response (in the order of the import's columns), or
    adds its problems."""

    def __init__(self, period: Period, unit_ids: set[int] | None = None):
        self.period = period
        units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=unit_ids)
        self.units = dict(units.values_list("kode", "pk"))
        self.units_upper = {kode.upper(): pk for kode, pk in self.units.items()}
        self.service_types: dict[int, list[str]] = {}
        for unit_id, nama in JenisLayanan.objects.filter(unit__in=units).values_list("unit_id", "nama"):
            self.service_types.setdefault(unit_id, []).append(nama)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.required = _("required")  # translated once: a bad file repeats it a million times
        # (unit id, service type) pairs a row may name exactly, as jenis_layanan_checked stores them.
        self.offered_exactly = {
            (unit_id, name)
            for unit_id, names in self.service_types.items()
            for name in names
            if jenis_layanan_checked(name, names)[0] == name
        }

    def valid_rows(self, frame: pd.DataFrame, problems: Problems) -> ValidRows:
        """The frame's rows that pass (its index: row numbers), noting the others' problems; blank
        rows are no responses and no problem."""
        n = len(frame)

        def column(name: str) -> np.ndarray:
            return frame[name].to_numpy(dtype=object, copy=True) if name in frame else np.full(n, "", dtype=object)

        unit_id, fast = _mapped(column("kode_unit"), self.units, 0)
        filled_at, dated = self._fast_dates(column("tanggal"))
        fast &= dated
        umur, fast_umur = _mapped(column("umur"), _FAST_UMUR, 0)
        fast &= fast_umur
        choices = []
        for name, accepted in (
            ("jenis_kelamin", _FAST_SEX), ("pendidikan", _FAST_PENDIDIKAN), ("pekerjaan", _FAST_PEKERJAAN),
        ):  # fmt: skip
            values, found = _mapped(column(name), accepted, "")
            choices.append(values)
            fast &= found
        answers = np.zeros((n, len(UNSUR_FIELDS)), dtype=np.int64)
        for index, name in enumerate(UNSUR_FIELDS):
            answers[:, index], found = _mapped(column(name), _FAST_ANSWER, 0)
            fast &= found
        jenis_layanan, saran = column("jenis_layanan"), column("saran")
        fast &= self._fast_jenis_layanan(unit_id, jenis_layanan) & _plain_text(saran, SARAN_MAX_LENGTH)
        accepted = fast.copy()
        names, cells, numbers = list(frame.columns), frame.to_numpy(dtype=object), frame.index.to_numpy()
        for index in np.flatnonzero(~fast):  # the rows build words problems for (or accepts after all)
            values = {name: clean(cell) for name, cell in zip(names, cells[index], strict=True)}
            if not any(values.values()):
                continue  # a blank row
            row = self.build(int(numbers[index]), values, problems)
            if row is None:
                continue
            accepted[index] = True
            unit_id[index], _period, moment, umur[index], *texts = row[:8]
            filled_at[index] = np.datetime64(moment.astimezone(UTC).replace(tzinfo=None), "us")
            for values_column, value in zip((*choices, jenis_layanan), texts, strict=True):
                values_column[index] = value
            answers[index] = row[8:17]
            saran[index] = row[17]
        return ValidRows(
            unit_id[accepted], filled_at[accepted], umur[accepted], *(c[accepted] for c in choices),
            jenis_layanan[accepted], answers[accepted], saran[accepted],
        )  # fmt: skip

    def _fast_dates(self, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Filling times (UTC) of the dates written as _DATE has them, inside the period and not
        ahead of now, and where they are."""
        text = pd.Series(texts)
        lengths = text.str.len()
        moments = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
        for length, pattern in _FAST_DATES:
            todo = (lengths == length) & moments.isna()
            if todo.any():
                moments[todo] = pd.to_datetime(text[todo], format=pattern, errors="coerce").astype("datetime64[us]")
        start = pd.Timestamp(self.period.tanggal_mulai)
        inside = (moments >= start) & (moments < pd.Timestamp(self.period.tanggal_selesai) + _ONE_DAY)
        local = moments.dt.tz_localize(self.tz, ambiguous="NaT", nonexistent="NaT")
        utc = local.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
        latest = np.datetime64((self.now + FUTURE_TOLERANCE).astimezone(UTC).replace(tzinfo=None), "us")
        fast = (inside & utc.notna() & (utc <= latest)).to_numpy(copy=True)
        return utc.fillna(pd.Timestamp(0)).to_numpy(dtype="datetime64[us]", copy=True), fast

    def _fast_jenis_layanan(self, unit_id: np.ndarray, texts: np.ndarray) -> np.ndarray:
        listed = np.isin(unit_id, list(self.service_types))
        fast = _plain_text(texts, JENIS_LAYANAN_MAX_LENGTH) & ~listed
        for index in np.flatnonzero(listed):  # exactly a name the unit lists
            fast[index] = (int(unit_id[index]), texts[index]) in self.offered_exactly
        return fast

    def build(self, number: int, values: dict[str, str], problems: Problems) -> tuple | None:
        """One row's values (cleaned text by column) as (unit id, period id, filling time, then
        RESPONSE_CONTENT_FIELDS), or None after noting its problems."""
        before = problems.total

        def problem(column: str, message: Message) -> None:
            problems.note(number, column, message)

        kode = str(values.get("kode_unit", "")).strip()
        unit_id = self.units.get(kode) or self.units_upper.get(kode.upper())
        if not kode:
            problem("kode_unit", self.required)
        elif unit_id is None:
            problem("kode_unit", lambda: _("unknown unit code %(kode)s") % {"kode": shown(kode)})

        submitted_at = self._tanggal(values.get("tanggal", ""), problem)

        raw_umur = values.get("umur", "")
        umur = parse_integer(raw_umur) if raw_umur != "" else None
        if raw_umur == "":
            problem("umur", self.required)
        elif umur is None:
            problem("umur", lambda: _("must be a whole number of years, got %(value)s") % {"value": shown(raw_umur)})
        elif message := umur_problem(umur):
            problem("umur", message)

        sex = self._choice(values, "jenis_kelamin", _SEX, problem)
        pendidikan = self._choice(values, "pendidikan", _PENDIDIKAN, problem)
        pekerjaan = self._choice(values, "pekerjaan", _PEKERJAAN, problem)

        answers = {}
        for field in UNSUR_FIELDS:
            raw = values.get(field, "")
            if raw == "":
                problem(field, self.required)
                continue
            answer = parse_integer(raw)
            if answer is None or not 1 <= answer <= 4:
                problem(
                    field,
                    lambda raw=raw: _("must be a whole number from 1 to 4, got %(value)s") % {"value": shown(raw)},
                )
            answers[field] = answer

        offered = self.service_types.get(unit_id, []) if unit_id is not None else []
        jenis_layanan, message = jenis_layanan_checked(str(values.get("jenis_layanan", "")), offered)
        if message:
            problem("jenis_layanan", message)
        saran = str(values.get("saran", ""))
        if message := saran_problem(saran):
            problem("saran", message)

        if problems.total > before:
            return None
        return (
            unit_id,
            self.period.pk,
            submitted_at,
            umur,
            sex,
            pendidikan,
            pekerjaan,
            jenis_layanan,
            *(answers[field] for field in UNSUR_FIELDS),
            saran,
        )

    def _choice(
        self, values: dict[str, str], column: str, accepted: dict[str, str], problem: Callable[[str, Message], None]
    ) -> str | None:
        raw = str(values.get(column, "")).strip()
        if not raw:
            problem(column, self.required)
            return None
        choice = accepted.get(" ".join(raw.lower().split()))
        if choice is None:
            choices = ", ".join(dict.fromkeys(accepted.values()))
            values = {"value": shown(raw), "choices": choices}
            problem(column, lambda: _("unknown value %(value)s; expected one of: %(choices)s") % values)
        return choice

    def _tanggal(self, raw: str, problem: Callable[[str, Message], None]) -> datetime | None:
        if raw == "":
            problem("tanggal", self.required)
            return None
        try:
            moment = datetime.fromisoformat(raw) if _DATE.match(raw) else None
        except ValueError:  # well formed but impossible, e.g. 2023-02-30
            moment = None
        if moment is None:
            text = shown(raw)
            problem(
                "tanggal", lambda: _("not a date: %(value)s (use YYYY-MM-DD or YYYY-MM-DD HH:MM)") % {"value": text}
            )
            return None
        period = self.period
        if not period.tanggal_mulai <= moment.date() <= period.tanggal_selesai:
            values = {
                "value": f"{moment:%Y-%m-%d}",
                "period": period.kode,
                "start": period.tanggal_mulai,
                "end": period.tanggal_selesai,
            }
            problem("tanggal", lambda: _("%(value)s is outside period %(period)s (%(start)s to %(end)s)") % values)
            return None
        moment = timezone.make_aware(moment, self.tz) if timezone.is_naive(moment) else moment
        if message := filling_time_problem(moment, self.now):
            problem("tanggal", f"{moment:%Y-%m-%d %H:%M}: {message}")
            return None
        return moment


def _mapped(texts: np.ndarray, accepted: dict, missing: object) -> tuple[np.ndarray, np.ndarray]:
    """The accepted values of cells written exactly as a key of `accepted`, and where they are.
    Each distinct spelling is looked up once: a column has a handful of them."""
    codes, spellings = pd.factorize(texts, use_na_sentinel=False)
    found = np.array([spelling in accepted for spelling in spellings], dtype=bool)
    kind = np.int64 if isinstance(missing, int) else object
    values = np.array([accepted.get(spelling, missing) for spelling in spellings], dtype=kind)
    return values[codes], found[codes]


def _plain_text(texts: np.ndarray, max_length: int) -> np.ndarray:
    """Where a text cell needs nothing done: empty, or short, without surrounding spaces, control
    characters or a leading text mark (skm_portal.tabular.clean)."""
    plain = texts == ""
    written = pd.Series(texts[~plain])
    if len(written):
        plain[~plain] = (
            (written.str.len() <= max_length)
            & (written.str.strip() == written)
            & ~written.str.startswith("'")
            & ~written.str.contains(CONTROL_CHARACTER.pattern, regex=True)
        ).to_numpy()
    return plain
