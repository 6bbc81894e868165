"""One row of a responses file checked by the rules every response follows (surveys.rules), and
turned into the values an import inserts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from skm_portal.import_problems import Message, Problems
from skm_portal.tabular import Value
from surveys.models import UNSUR_FIELDS, Pekerjaan, Pendidikan, Period
from surveys.rules import filling_time_problem, jenis_layanan_checked, saran_problem, umur_problem
from units.models import JenisLayanan, Unit

SHOWN_VALUE_LENGTH = 40  # a value quoted in a problem: enough to find it, never a page of it


def shown(value: Value) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[:SHOWN_VALUE_LENGTH] + "…"


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?$")  # YYYY-MM-DD[ HH:MM[:SS]]
_INTEGER = re.compile(r"\A([+-]?\d{1,9})(?:\.0+)?\Z")  # nine digits: more is no age or answer
_SMALL_INTEGERS = {str(n): n for n in range(101)}  # ages and answers: skips the regex for nearly every cell
_SEX = {"l": "L", "laki-laki": "L", "p": "P", "perempuan": "P"}
_PENDIDIKAN = {c.value.lower(): c.value for c in Pendidikan}
_PEKERJAAN = {c.value.lower(): c.value for c in Pekerjaan}


def parse_integer(value: Value) -> int | None:
    """An integer from a cell: 7, 7.0, "7" and "7.0" are 7; anything else is None."""
    if isinstance(value, (bool, datetime)):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    known = _SMALL_INTEGERS.get(value)
    if known is not None:
        return known
    match = _INTEGER.match(str(value).strip())
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

    def build(self, number: int, values: dict[str, Value], problems: Problems) -> tuple | None:
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
        self, values: dict[str, Value], column: str, accepted: dict[str, str], problem: Callable[[str, Message], None]
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

    def _tanggal(self, raw: Value, problem: Callable[[str, Message], None]) -> datetime | None:
        if raw == "":
            problem("tanggal", self.required)
            return None
        if isinstance(raw, datetime):
            moment = raw
        elif isinstance(raw, date):
            moment = datetime.combine(raw, time())
        else:
            try:
                moment = datetime.fromisoformat(str(raw)) if _DATE.match(str(raw)) else None
            except ValueError:  # well formed but impossible, e.g. 2023-02-30
                moment = None
            if moment is None:
                text = shown(raw)
                problem(
                    "tanggal",
                    lambda: _("not a date: %(value)s (use YYYY-MM-DD or YYYY-MM-DD HH:MM)") % {"value": text},
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
