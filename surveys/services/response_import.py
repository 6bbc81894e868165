"""Importing a file of responses into a period: every row validated, all rows or none, inserted with COPY."""

from __future__ import annotations

import hashlib
from array import array
from collections import defaultdict
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skm_portal.import_problems import ImportFailed, Problems, RowError
from skm_portal.tabular import read_table
from surveys.models import RESPONSE_CONTENT_FIELDS, ImportBatch, Period, Response, UnitTally, filled_at
from surveys.services.periods import period_held
from surveys.services.response_rows import ResponseRowValidator
from surveys.services.tallies import tallies_add
from surveys.tallies import TallyDelta, content_hash, duplicates_by_unit, epoch_microseconds
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
    Raises ImportFailed listing the problems as `row N: column: problem` (the first ones, and how
    many there were).
    """
    if period.is_locked:
        raise ImportFailed(
            [RowError(None, "-", _("period %(kode)s is locked; it accepts no more responses") % {"kode": period.kode})]
        )
    digest = hashlib.sha256(data).hexdigest()
    previous = ImportBatch.objects.filter(sha256=digest).first()
    if previous is not None:
        raise ImportFailed([_already_imported(previous)])
    table = read_table(data, filename, required=RESPONSE_COLUMNS_REQUIRED, known=RESPONSE_COLUMNS)
    validator = ResponseRowValidator(period, unit_ids)
    channel_value = Response.Channel(channel).value
    problems = Problems()
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
            counted = ImportTallies(period, batch.pk)
            for number, values in table.rows:
                row = validator.build(number, values, problems)
                if row is None or problems:
                    continue
                fingerprint = counted.add(row)
                chunk.append((*row, channel_value, batch.pk, fingerprint))
                count += 1
                if len(chunk) == _COPY_CHUNK:
                    _insert_responses(chunk)
                    chunk = []
            if problems:
                raise problems.failure()
            _insert_responses(chunk)
            counted.write()
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


# Column order of the rows that ResponseRowValidator.build returns, then channel, batch and content hash.
_INSERT_FIELDS = (
    "unit", "period", "submitted_at", *RESPONSE_CONTENT_FIELDS, "channel", "import_batch", "content_hash",
)  # fmt: skip


class ImportTallies:
    """What an import adds to its units' tallies, counted row by row and written in one go at the
    end (surveys.services.tallies), duplicates included: within the file, and against the responses
    the period already had from the same units."""

    def __init__(self, period: Period, batch_id: int):
        self.period, self.batch_id = period, batch_id
        self.deltas: dict[int, TallyDelta] = defaultdict(TallyDelta)
        self.units, self.contents, self.moments = array("q"), array("q"), array("q")

    def add(self, row: tuple) -> int:
        """One validated row (ResponseRowValidator.build's order); its content hash."""
        unit_id, _period_id, filled = row[0], row[1], row[2]
        values = dict(zip(RESPONSE_CONTENT_FIELDS, row[3:], strict=True))
        self.deltas[unit_id].add(values, filled)
        fingerprint = content_hash(values)
        self.units.append(unit_id)
        self.contents.append(fingerprint)
        self.moments.append(epoch_microseconds(filled))
        return fingerprint

    def write(self) -> None:
        """Add the import to the tallies, holding its units (so that their submissions wait and each
        side sees the other's responses: see surveys.services.submissions)."""
        units = list(Unit.objects.select_for_update(no_key=True).filter(pk__in=list(self.deltas)).order_by("pk"))
        window = timedelta(minutes=settings.SKM_FLAG_DUPLICATE_MINUTES)
        earlier = UnitTally.objects.filter(period=self.period, unit__in=units, respondents__gt=0)
        earlier_units = list(earlier.values_list("unit_id", flat=True))
        stored = (
            Response.objects.filter(period=self.period, unit_id__in=earlier_units)
            .exclude(import_batch_id=self.batch_id)
            .annotate(filled=filled_at())
            .values_list("unit_id", "content_hash", "filled")
        )
        before = array("q"), array("q"), array("q")
        for unit_id, content, filled in stored.iterator(chunk_size=10_000):
            before[0].append(unit_id)
            before[1].append(content)
            before[2].append(epoch_microseconds(filled))
        earlier_rows = [np.frombuffer(column, dtype=np.int64) for column in before]
        mine = [np.frombuffer(column, dtype=np.int64) for column in (self.units, self.contents, self.moments)]
        together = [np.concatenate(pair) for pair in zip(earlier_rows, mine, strict=True)]
        found, already = duplicates_by_unit(*together, window), duplicates_by_unit(*earlier_rows, window)
        for unit_id, (count, first) in found.items():
            self.deltas[unit_id].duplicates_found(count - already.get(unit_id, (0, first))[0], first)
        tallies_add(period_id=self.period.pk, deltas=self.deltas)


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
