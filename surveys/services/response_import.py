"""Importing a file of responses into a period: every row validated, all rows or none, inserted with COPY."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skm_portal.tabular import ImportFailed, RowError, Value, read_table
from surveys.models import RESPONSE_CONTENT_FIELDS, UNSUR_FIELDS, ImportBatch, Pekerjaan, Pendidikan, Period, Response
from surveys.rules import JENIS_LAYANAN_MAX_LENGTH, SARAN_MAX_LENGTH, UMUR_MAX, UMUR_MIN
from surveys.services.periods import period_held
from units.models import Unit
from units.services.audit import audit_record

RESPONSE_COLUMNS = ("kode_unit", "tanggal", *RESPONSE_CONTENT_FIELDS)  # a file's order
RESPONSE_COLUMNS_REQUIRED = tuple(c for c in RESPONSE_COLUMNS if c not in ("jenis_layanan", "saran"))
_BULK_BATCH = 2000
_COPY_CHUNK = 20_000


def responses_import(
    *,
    data: bytes,
    filename: str,
    period: Period,
    user: Any = None,
    channel: str = Response.Channel.IMPORT,
    unit_ids: set[int] | None = None,
) -> ImportBatch:
    """Import a file of responses into a period: all rows or none.

    `unit_ids` limits the units a file may name (a unit admin's reach); others read as unknown.
    Raises ImportFailed listing every problem as `row N: column: problem`.
    """
    if period.is_locked:
        raise ImportFailed(
            [RowError(None, "-", _("period %(kode)s is locked; it accepts no more responses") % {"kode": period.kode})]
        )
    digest = hashlib.sha256(data).hexdigest()
    previous = ImportBatch.objects.filter(sha256=digest).first()
    if previous is not None:
        raise ImportFailed([_already_imported(previous)])
    table = read_table(data, filename, required=RESPONSE_COLUMNS_REQUIRED)
    validator = _ResponseRowValidator(period, unit_ids)
    channel_value = Response.Channel(channel).value
    errors: list[RowError] = []
    try:
        # Rows are validated and copied in chunks inside one transaction, so a large file never
        # sits in memory as rows; the first bad row stops the copying, validation goes on to
        # report every problem, and the failure rolls back all that was copied.
        with transaction.atomic():
            if period_held(period).is_locked:
                raise ImportFailed(
                    [
                        RowError(
                            None,
                            "-",
                            _("period %(kode)s is locked; it accepts no more responses") % {"kode": period.kode},
                        )
                    ]
                )
            batch = ImportBatch.objects.create(
                period=period, filename=filename[:255], sha256=digest, row_count=0, imported_by=user
            )
            chunk: list[tuple] = []
            count = 0
            for number, values in table.rows:
                row = validator.build(number, values, errors)
                if row is None or errors:
                    continue
                chunk.append((*row, channel_value, batch.pk))
                count += 1
                if len(chunk) == _COPY_CHUNK:
                    _insert_responses(chunk)
                    chunk = []
            if errors:
                raise ImportFailed(errors)
            _insert_responses(chunk)
            batch.row_count = count
            batch.save(update_fields=["row_count"])
            audit_record(user=user, action="impor", periode=period.kode, detail=f"{filename}: {count}")
    except IntegrityError:
        # Another import of the same content won the race.
        previous = ImportBatch.objects.filter(sha256=digest).first()
        if previous is None:
            raise
        raise ImportFailed([_already_imported(previous)]) from None
    return batch


# Column order of the rows that _ResponseRowValidator.build returns, then channel and batch.
_INSERT_FIELDS = ("unit", "period", "submitted_at", *RESPONSE_CONTENT_FIELDS, "channel", "import_batch")


def _insert_responses(rows: list[tuple]) -> None:
    """Insert validated rows in bulk, bypassing model instances.

    The ORM's bulk_create spends most of an import building and preparing one object per
    row; COPY (PostgreSQL) or executemany moves the same rows several times faster. The
    database's own constraints (answers 1..4, foreign keys) still check every row.
    """
    quote = connection.ops.quote_name
    table = quote(Response._meta.db_table)
    columns = ", ".join(quote(Response._meta.get_field(name).column) for name in _INSERT_FIELDS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The raw COPY bypasses Django's cursor wrapper: translate driver errors as it would.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(_INSERT_FIELDS))
        adapt = connection.ops.adapt_datetimefield_value
        for start in range(0, len(rows), _BULK_BATCH):
            chunk = [(row[0], row[1], adapt(row[2]), *row[3:]) for row in rows[start : start + _BULK_BATCH]]
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", chunk)


def _already_imported(batch: ImportBatch) -> RowError:
    when = timezone.localtime(batch.imported_at).strftime("%Y-%m-%d %H:%M")
    return RowError(
        None,
        "-",
        _("this file content was already imported on %(when)s (import #%(id)s, %(filename)s, period %(period)s)")
        % {"when": when, "id": batch.pk, "filename": batch.filename, "period": batch.period.kode},
    )


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?$")  # YYYY-MM-DD[ HH:MM[:SS]]
_INTEGER = re.compile(r"^[+-]?\d+(\.0+)?$")
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
    text = str(value).strip()
    return int(float(text)) if _INTEGER.match(text) else None


class _ResponseRowValidator:
    """Turns one file row into an unsaved Response, or adds its problems to `errors`."""

    def __init__(self, period: Period, unit_ids: set[int] | None = None):
        self.period = period
        units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=unit_ids)
        self.units = dict(units.values_list("kode", "pk"))
        self.units_upper = {kode.upper(): pk for kode, pk in self.units.items()}
        self.tz = timezone.get_current_timezone()

    def build(self, number: int, values: dict[str, Value], errors: list[RowError]) -> tuple | None:
        before = len(errors)

        def problem(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        kode = str(values.get("kode_unit", "")).strip()
        unit_id = self.units.get(kode) or self.units_upper.get(kode.upper())
        if not kode:
            problem("kode_unit", _("required"))
        elif unit_id is None:
            problem("kode_unit", _("unknown unit code %(kode)s") % {"kode": kode})

        submitted_at = self._tanggal(values.get("tanggal", ""), problem)

        umur = parse_integer(values.get("umur", ""))
        if values.get("umur", "") == "":
            problem("umur", _("required"))
        elif umur is None:
            problem("umur", _("must be a whole number of years, got %(value)s") % {"value": values["umur"]})
        elif not UMUR_MIN <= umur <= UMUR_MAX:
            problem(
                "umur",
                _("must be between %(min)s and %(max)s, got %(value)s")
                % {"min": UMUR_MIN, "max": UMUR_MAX, "value": umur},
            )

        sex = self._choice(values, "jenis_kelamin", _SEX, problem)
        pendidikan = self._choice(values, "pendidikan", _PENDIDIKAN, problem)
        pekerjaan = self._choice(values, "pekerjaan", _PEKERJAAN, problem)

        answers = {}
        for field in UNSUR_FIELDS:
            raw = values.get(field, "")
            answer = parse_integer(raw)
            if raw == "":
                problem(field, _("required"))
            elif answer is None or not 1 <= answer <= 4:
                problem(field, _("must be a whole number from 1 to 4, got %(value)s") % {"value": raw})
            answers[field] = answer

        jenis_layanan = str(values.get("jenis_layanan", ""))
        if len(jenis_layanan) > JENIS_LAYANAN_MAX_LENGTH:
            problem("jenis_layanan", _("longer than %(max)s characters") % {"max": JENIS_LAYANAN_MAX_LENGTH})
        saran = str(values.get("saran", ""))
        if len(saran) > SARAN_MAX_LENGTH:
            problem("saran", _("longer than %(max)s characters") % {"max": SARAN_MAX_LENGTH})

        if len(errors) > before:
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

    @staticmethod
    def _choice(values: dict[str, Value], column: str, accepted: dict[str, str], problem) -> str | None:
        raw = str(values.get(column, "")).strip()
        if not raw:
            problem(column, _("required"))
            return None
        choice = accepted.get(" ".join(raw.lower().split()))
        if choice is None:
            choices = ", ".join(dict.fromkeys(accepted.values()))
            problem(
                column, _("unknown value %(value)s; expected one of: %(choices)s") % {"value": raw, "choices": choices}
            )
        return choice

    def _tanggal(self, raw: Value, problem) -> datetime | None:
        if raw == "":
            problem("tanggal", _("required"))
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
                problem("tanggal", _("not a date: %(value)s (use YYYY-MM-DD or YYYY-MM-DD HH:MM)") % {"value": raw})
                return None
        if not self.period.tanggal_mulai <= moment.date() <= self.period.tanggal_selesai:
            problem(
                "tanggal",
                _("%(value)s is outside period %(period)s (%(start)s to %(end)s)")
                % {
                    "value": moment.strftime("%Y-%m-%d"),
                    "period": self.period.kode,
                    "start": self.period.tanggal_mulai,
                    "end": self.period.tanggal_selesai,
                },
            )
            return None
        return timezone.make_aware(moment, self.tz) if timezone.is_naive(moment) else moment
