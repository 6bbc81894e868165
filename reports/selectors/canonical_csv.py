"""The canonical CSV of a period's responses: the file a locked period's SHA-256 is taken of.

Anonymized (no client hash, no suggestion, no ids; the day instead of the time, age bands
instead of ages, so a respondent is not re-identified), UTF-8, LF line ends, one header line,
rows ordered by unit code, then by all their values as text (compared by code point), so the
same responses always give the same bytes and SHA-256.

Format versions (a snapshot keeps the version its hashes were taken of, so verifying recomputes
the same bytes): 1, text cells as stored; 2 (since security review issue 15), every text cell a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) gets a leading
apostrophe (skm_portal.spreadsheets.csv_safe), before the rows are ordered.
"""

from __future__ import annotations

import csv
import hashlib
import io
from typing import BinaryIO

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate
from django.utils import timezone

from skm_portal.spreadsheets import csv_safe
from surveys.models import UNSUR_FIELDS, Period, Response, filled_at
from surveys.rules import kelompok_umur

CANONICAL_CSV_VERSIONS = (1, 2)
CANONICAL_CSV_VERSION = 2  # what a new lock writes

CANONICAL_COLUMNS = (
    "kode_unit",
    "tanggal_isi",
    "kelompok_umur",
    "jenis_kelamin",
    "pendidikan",
    "pekerjaan",
    "jenis_layanan",
    *UNSUR_FIELDS,
    "cara_pengisian",
)
_CANONICAL_FIELDS = (
    "unit__kode",
    "waktu_isi",
    "umur",
    "jenis_kelamin",
    "pendidikan",
    "pekerjaan",
    "jenis_layanan",
    *UNSUR_FIELDS,
    "channel",
)
_BYTEWISE = {"postgresql": "C", "sqlite": "BINARY"}


def canonical_csv_write(*, period: Period, output: BinaryIO, version: int) -> tuple[str, dict[str, str], int]:
    """Write the period's canonical responses CSV in format `version` (see the module's docstring);
    returns its SHA-256, the SHA-256 of each unit's rows (keyed by unit code) and the number of
    rows. Streamed one unit at a time."""
    if version not in CANONICAL_CSV_VERSIONS:
        raise ValueError(f"unknown canonical CSV format version {version}")
    neutralize = version >= 2
    collation = _BYTEWISE.get(connection.vendor)
    rows = (
        Response.objects.filter(period=period)
        .annotate(waktu_isi=filled_at())
        .order_by(Collate(F("unit__kode"), collation) if collation else "unit__kode")
        .values_list(*_CANONICAL_FIELDS)
    )
    total, units, count = hashlib.sha256(), {}, 0

    def write(line: bytes) -> None:
        total.update(line)
        output.write(line)

    def emit_unit(kode: str, lines: list[tuple[str, ...]]) -> None:
        digest = hashlib.sha256()
        for values in sorted(lines):
            line = _csv_line(values)
            digest.update(line)
            write(line)
        units[kode] = digest.hexdigest()

    write(_csv_line(CANONICAL_COLUMNS))
    current, lines = None, []
    for kode, waktu, umur, *rest in rows.iterator(chunk_size=5000):
        if kode != current:
            if current is not None:
                emit_unit(current, lines)
            current, lines = kode, []
        values = (kode, timezone.localtime(waktu).strftime("%Y-%m-%d"), kelompok_umur(umur), *(str(v) for v in rest))
        lines.append(tuple(csv_safe(v) for v in values) if neutralize else values)
        count += 1
    if current is not None:
        emit_unit(current, lines)
    return total.hexdigest(), units, count


def _csv_line(values) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue().encode("utf-8")
