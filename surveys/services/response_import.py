"""Importing a file of responses into a period: every row validated, all rows or none, written as
the file is read (surveys.services.response_writer) with the units' tallies."""

from __future__ import annotations

import hashlib
from array import array
from datetime import timedelta
from typing import Any, BinaryIO

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skm_portal.import_problems import ImportFailed, Problems, RowError
from skm_portal.tabular import read_frames
from surveys.models import RESPONSE_CONTENT_FIELDS, ImportBatch, Period, Response, UnitTally, filled_at
from surveys.services.periods import period_held
from surveys.services.response_rows import ResponseRowValidator, ValidRows
from surveys.services.response_writer import responses_writer
from surveys.services.saran_tema import FrameThemes, saran_rules_current
from surveys.services.tallies import tallies_add
from surveys.tallies import TallyColumns, content_hashes, duplicates_by_unit, epoch_microseconds, rows_tallies
from units.models import Unit
from units.services.audit import audit_record

RESPONSE_COLUMNS = ("kode_unit", "tanggal", *RESPONSE_CONTENT_FIELDS)  # a file's order
RESPONSE_COLUMNS_REQUIRED = tuple(c for c in RESPONSE_COLUMNS if c not in ("jenis_layanan", "saran"))


def responses_import(
    *,
    source: BinaryIO,
    filename: str,
    period: Period,
    user: Any = None,
    channel: str = Response.Channel.IMPORT,
    unit_ids: set[int] | None = None,
) -> ImportBatch:
    """Import a file of responses (`source`: binary, open for reading) into a period: all rows or none.

    `unit_ids` limits the units a file may name (a unit admin's reach); others read as unknown.
    Raises ImportFailed listing the problems as `row N: column: problem` (the first ones, and how
    many there were).
    """
    if period.is_locked:
        raise ImportFailed(
            [RowError(None, "-", _("period %(kode)s is locked; it accepts no more responses") % {"kode": period.kode})]
        )
    source.seek(0)
    digest = hashlib.file_digest(source, "sha256").hexdigest()
    previous = ImportBatch.objects.filter(sha256=digest).first()
    if previous is not None:
        raise ImportFailed([_already_imported(previous)])
    frames = read_frames(source, filename, required=RESPONSE_COLUMNS_REQUIRED, known=RESPONSE_COLUMNS)
    validator = ResponseRowValidator(period, unit_ids)
    problems = Problems()
    try:
        # One pass over the file inside one transaction: frames of rows are validated and written
        # as they are read, so a large file never sits in memory as rows; the first bad row stops
        # the writing, validation goes on to report every problem, and the failure rolls back all
        # that was written.
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
            counted = ImportTallies(period, batch.pk)
            themes = FrameThemes(saran_rules_current())
            channel_value = Response.Channel(channel).value
            with responses_writer(period_id=period.pk, channel=channel_value, batch_id=batch.pk) as write:
                for frame in frames.frames:
                    rows = validator.valid_rows(frame, problems)
                    if problems or not len(rows):  # rows of empty cells below the data count for nothing
                        continue
                    texts = rows.texts()
                    hashes = content_hashes(texts)
                    counted.add(rows, hashes)
                    write(rows, texts, hashes, themes.add(rows.unit_id.tolist(), texts[-1]))
                if problems:
                    raise problems.failure()
                counted.count_file()
                for delta in counted.deltas.values():
                    delta.channel_added(channel_value)
            counted.write()
            themes.write(period.pk)
            batch.row_count = counted.respondents
            batch.save(update_fields=["row_count"])
            audit_record(user=user, action="impor", periode=period.kode, detail=f"{filename}: {batch.row_count}")
    except IntegrityError:
        # Another import of the same content won the race.
        previous = ImportBatch.objects.filter(sha256=digest).first()
        if previous is None:
            raise
        raise ImportFailed([_already_imported(previous)]) from None
    return batch


class ImportTallies:
    """What an import adds to its units' tallies, counted frame by frame and written in one go at
    the end (surveys.services.tallies), duplicates included: within the file, and against the
    responses the period already had from the same units."""

    def __init__(self, period: Period, batch_id: int):
        self.period, self.batch_id = period, batch_id
        self.counted = TallyColumns.empty()
        self.respondents = 0
        self.units: list[np.ndarray] = []  # per frame: unit ids, content hashes, filling times (µs)
        self.contents: list[np.ndarray] = []
        self.moments: list[np.ndarray] = []

    def add(self, rows: ValidRows, hashes: np.ndarray) -> None:
        profile = (rows.jenis_kelamin, rows.pendidikan, rows.pekerjaan)
        self.counted = self.counted.merged(
            rows_tallies(rows.unit_id, rows.filled_at, rows.umur, profile, rows.answers)
        )
        self.respondents += len(rows)
        self.units.append(rows.unit_id)
        self.contents.append(hashes)
        self.moments.append(rows.filled_at.astype(np.int64))

    def count_file(self) -> None:
        """What the file's own rows add, their duplicates among themselves included: counted while
        the database still stores the last rows."""
        self.deltas = self.counted.deltas()
        self.mine = [
            np.concatenate(column or [np.zeros(0, np.int64)]) for column in (self.units, self.contents, self.moments)
        ]
        self.window = timedelta(minutes=settings.SKM_FLAG_DUPLICATE_MINUTES)
        self.own_duplicates = duplicates_by_unit(*self.mine, self.window)

    def write(self) -> None:
        """Add the import (count_file first) to the tallies, holding its units (so that their
        submissions wait and each side sees the other's responses: see surveys.services.submissions);
        duplicates of the responses the period already had counted too."""
        units = list(Unit.objects.select_for_update(no_key=True).filter(pk__in=list(self.deltas)).order_by("pk"))
        earlier = UnitTally.objects.filter(period=self.period, unit__in=units, respondents__gt=0)
        earlier_units = list(earlier.values_list("unit_id", flat=True))
        known = set(earlier_units)
        found = {unit: figures for unit, figures in self.own_duplicates.items() if unit not in known}
        if earlier_units:
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
            theirs = np.isin(self.mine[0], earlier_units)
            together = [np.concatenate((old, new[theirs])) for old, new in zip(earlier_rows, self.mine, strict=True)]
            already = duplicates_by_unit(*earlier_rows, self.window)
            for unit_id, (count, first) in duplicates_by_unit(*together, self.window).items():
                found[unit_id] = (count - already.get(unit_id, (0, first))[0], first)
        for unit_id, (count, first) in found.items():
            self.deltas[unit_id].duplicates_found(count, first)
        tallies_add(period_id=self.period.pk, deltas=self.deltas)


def _already_imported(batch: ImportBatch) -> RowError:
    when = timezone.localtime(batch.imported_at).strftime("%Y-%m-%d %H:%M")
    return RowError(
        None,
        "-",
        _("this file content was already imported on %(when)s (import #%(id)s, %(filename)s, period %(period)s)")
        % {"when": when, "id": batch.pk, "filename": batch.filename, "period": batch.period.kode},
    )
