"""Writing an import's validated rows: on PostgreSQL one COPY for the whole file, fed from a thread
of its own, so that the next rows are validated while the database stores the previous ones; on
SQLite (the embedded default) batches of executemany.

Rows bypass model instances: the ORM's bulk_create spends most of an import building and preparing
one object per row. The database's own constraints (answers 1..4, foreign keys) still check every
row.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC

import numpy as np
from django.db import connection

from surveys.models import RESPONSE_CONTENT_FIELDS, Response
from surveys.services.response_rows import ValidRows

# The columns written, in this order: the row's own, then the import's.
_FIELDS = (
    "unit", "submitted_at", *RESPONSE_CONTENT_FIELDS, "content_hash", "saran_unsur", "saran_jenis",
    "period", "channel", "import_batch",
)  # fmt: skip
_SQLITE_BATCH = 2000
_PIPE_DEPTH = 2  # encoded frames waiting for the database: memory stays a few frames whatever the file
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")

# Rows, their content texts, content hashes, and the suggestions' themes (unsur and kind columns).
Write = Callable[[ValidRows, Sequence[Sequence[str]], np.ndarray, tuple[list[str], list[str]]], None]


@contextmanager
def responses_writer(*, period_id: int, channel: str, batch_id: int) -> Iterator[Write]:
    """A function that writes validated rows (with their content texts, see ValidRows.texts, content
    hashes and themes); everything written is stored once the block ends normally."""
    quote = connection.ops.quote_name
    table = quote(Response._meta.db_table)
    columns = ", ".join(quote(Response._meta.get_field(name).column) for name in _FIELDS)
    constants = (period_id, channel, batch_id)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_FIELDS))})"
            yield lambda rows, texts, hashes, themes: _insert(cursor, sql, rows, texts, hashes, themes, constants)
            return
        suffix = "".join(f"\t{value}" for value in constants) + "\n"
        # The raw COPY bypasses Django's cursor wrapper: translate driver errors as it would.
        copying = cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
        with connection.wrap_database_errors, copying as copy, _Pipe(copy.write) as send:
            yield lambda rows, texts, hashes, themes: send(_copy_text(rows, texts, hashes, themes, suffix))


def _copy_text(
    rows: ValidRows,
    texts: Sequence[Sequence[str]],
    hashes: np.ndarray,
    themes: tuple[list[str], list[str]],
    suffix: str,
) -> bytes:
    """The rows in COPY's text format: tab-separated, special characters escaped in the free texts."""
    umur, sex, pendidikan, pekerjaan, jenis_layanan, *answers, saran = texts
    stamps = np.datetime_as_string(rows.filled_at, unit="us", timezone="UTC").tolist()
    columns = (
        rows.unit_id.astype(str).tolist(), stamps, umur, sex, pendidikan, pekerjaan, _escaped(jenis_layanan),
        *answers, _escaped(saran), hashes.astype(str).tolist(), *themes,
    )  # fmt: skip
    return "".join(["\t".join(row) + suffix for row in zip(*columns, strict=True)]).encode("utf-8")


def _escaped(texts: Sequence[str]) -> list[str]:
    return [_COPY_SPECIAL.sub(_escape, text) if text and _COPY_SPECIAL.search(text) else text for text in texts]


def _escape(match: re.Match) -> str:
    return {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}[match.group()]


def _insert(cursor, sql: str, rows: ValidRows, texts, hashes: np.ndarray, themes, constants: tuple) -> None:
    adapt = connection.ops.adapt_datetimefield_value  # SQLite compares times as text: the ORM's text
    stamps = [adapt(moment.replace(tzinfo=UTC)) for moment in rows.filled_at.astype(object)]
    umur, sex, pendidikan, pekerjaan, jenis_layanan, *_answers, saran = texts
    values = list(
        zip(
            rows.unit_id.tolist(), stamps, rows.umur.tolist(), sex, pendidikan, pekerjaan, jenis_layanan,
            *rows.answers.T.tolist(), saran, hashes.tolist(), *themes, strict=True,
        )
    )  # fmt: skip
    for start in range(0, len(values), _SQLITE_BATCH):
        cursor.executemany(sql, [(*row, *constants) for row in values[start : start + _SQLITE_BATCH]])


class _Pipe:
    """Hands encoded frames to `write` in a thread of its own (waiting on the network releases the
    GIL); at most _PIPE_DEPTH wait. A failure of `write` is raised in the caller."""

    def __init__(self, write: Callable[[bytes], None]):
        self.write = write
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_PIPE_DEPTH)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="copy-pipe", daemon=True)

    def __enter__(self) -> Callable[[bytes], None]:
        self.thread.start()
        return self.send

    def send(self, data: bytes) -> None:
        if self.failure is not None:
            raise self.failure
        self.queue.put(data)

    def _run(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.failure is None:
                try:
                    self.write(data)
                except BaseException as exc:  # raised again in the caller's thread
                    self.failure = exc

    def __exit__(self, *exc_info) -> None:
        self.queue.put(None)
        self.thread.join()  # the connection is the caller's again: COPY ends (or fails) from there
        if self.failure is not None and exc_info[0] is None:
            raise self.failure
