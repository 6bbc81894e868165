from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

REFERENCE_UNITS = Path(__file__).resolve().parent.parent / "surveys" / "demo_data" / "upp-pekalongan.csv"
RESPONSE_HEADER = [
    "kode_unit", "tanggal", "umur", "jenis_kelamin", "pendidikan", "pekerjaan", "jenis_layanan",
    *[f"u{k}" for k in range(1, 10)], "saran",
]


def response_row(**overrides: str) -> dict[str, str]:
    """A valid response row of period 2023-S2; keyword arguments replace columns."""
    row = {
        "kode_unit": "UPP001", "tanggal": "2023-08-01 09:30", "umur": "34", "jenis_kelamin": "P",
        "pendidikan": "S1", "pekerjaan": "KARYAWAN", "jenis_layanan": "Layanan Umum",
        **{f"u{k}": "4" for k in range(1, 10)}, "saran": "",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or RESPONSE_HEADER, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[dict[str, object]], header: list[str] | None = None) -> Path:
    from openpyxl import Workbook

    header = header or RESPONSE_HEADER
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    workbook.save(path)
    return path


@pytest.fixture
def reference_units(db):
    call_command("import_units", str(REFERENCE_UNITS), stdout=io.StringIO())
