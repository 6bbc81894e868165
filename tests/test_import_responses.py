import io
import zipfile
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command

from surveys.models import ImportBatch, Period, Response
from tests.conftest import RESPONSE_HEADER, response_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def run_import(path, period="2023-S2"):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_responses", str(path), "--period", period, stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def test_it_imports_a_csv_and_creates_the_period(reference_units, tmp_path):
    rows = [response_row(), response_row(kode_unit="UPP016", u3="2", saran="Antrian lama")]
    ok, out, _err = run_import(write_csv(tmp_path / "r.csv", rows))
    assert ok, _err
    assert "2 " in out
    period = Period.objects.get(kode="2023-S2")
    assert (str(period.tanggal_mulai), str(period.tanggal_selesai)) == ("2023-07-01", "2023-12-31")
    response = Response.objects.get(unit__kode="UPP016")
    assert response.answers == (4, 4, 2, 4, 4, 4, 4, 4, 4)
    assert (response.umur, response.jenis_kelamin, response.pendidikan, response.pekerjaan) == (
        34,
        "P",
        "S1",
        "KARYAWAN",
    )
    assert response.saran == "Antrian lama"
    assert response.channel == Response.Channel.IMPORT
    assert response.import_batch.filename == "r.csv"
    assert response.submitted_at.isoformat() == "2023-08-01T02:30:00+00:00"  # 09:30 in Asia/Jakarta


def test_it_imports_an_xlsx_with_native_cell_types(reference_units, tmp_path):
    row = {**response_row(), "tanggal": datetime(2023, 9, 2, 10, 0), "umur": 41, "u1": 3, "u2": 2.0}
    ok, _out, err = run_import(write_xlsx(tmp_path / "r.xlsx", [row]))
    assert ok, err
    response = Response.objects.get()
    assert (response.umur, response.u1, response.u2) == (41, 3, 2)


def test_columns_are_case_insensitive_and_optional_ones_may_be_absent(reference_units, tmp_path):
    header = [c.upper() for c in RESPONSE_HEADER if c not in ("jenis_layanan", "saran")]
    row = {k.upper(): v for k, v in response_row(jenis_kelamin="Laki-laki").items()}
    ok, _out, err = run_import(write_csv(tmp_path / "r.csv", [row], header=header))
    assert ok, err
    assert Response.objects.get().jenis_kelamin == "L"


def test_the_same_content_is_refused_twice(reference_units, tmp_path):
    path = write_csv(tmp_path / "r.csv", [response_row()])
    assert run_import(path)[0]
    copy = tmp_path / "copy-under-another-name.csv"
    copy.write_bytes(path.read_bytes())
    ok, _out, err = run_import(copy)
    assert not ok
    assert "r.csv" in err
    assert Response.objects.count() == 1
    assert ImportBatch.objects.count() == 1


def test_a_locked_period_accepts_no_import(reference_units, tmp_path):
    call_command("lock_period", "2023-S2", stdout=io.StringIO())
    ok, _out, err = run_import(write_csv(tmp_path / "r.csv", [response_row()]))
    assert not ok
    assert "2023-S2" in err
    assert Response.objects.count() == 0


def test_a_malformed_period_code_is_refused(reference_units, tmp_path):
    ok, _out, err = run_import(write_csv(tmp_path / "r.csv", [response_row()]), period="2023-3")
    assert not ok
    assert "2023-3" in err
    assert not Period.objects.exists()


BAD_ROWS = [
    ({"kode_unit": "UPP999"}, "row 3: kode_unit:"),
    ({"u4": "5"}, "row 3: u4:"),
    ({"u1": "0"}, "row 3: u1:"),
    ({"u9": "3.5"}, "row 3: u9:"),
    ({"u2": ""}, "row 3: u2:"),
    ({"tanggal": "2023-06-30 10:00"}, "row 3: tanggal:"),
    ({"tanggal": "2024-01-01"}, "row 3: tanggal:"),
    ({"tanggal": "31/08/2023"}, "row 3: tanggal:"),
    ({"tanggal": "2023-09-31"}, "row 3: tanggal:"),
    ({"tanggal": "2023-08-01T09:30"}, "row 3: tanggal:"),
    ({"umur": "tiga puluh"}, "row 3: umur:"),
    ({"umur": "300"}, "row 3: umur:"),
    ({"umur": "9"}, "row 3: umur:"),
    ({"jenis_kelamin": "X"}, "row 3: jenis_kelamin:"),
    ({"pendidikan": "SMA"}, "row 3: pendidikan:"),
    ({"pekerjaan": "PETANI"}, "row 3: pekerjaan:"),
    ({"saran": "x" * 2001}, "row 3: saran:"),
]


@pytest.mark.parametrize("overrides, expected", BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_stored(reference_units, tmp_path, overrides, expected):
    rows = [response_row(), response_row(**overrides), response_row()]
    ok, _out, err = run_import(write_csv(tmp_path / "r.csv", rows))
    assert not ok
    assert expected in err
    assert Response.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_every_bad_row_is_reported(reference_units, tmp_path):
    rows = [response_row(u1="9"), response_row(), response_row(kode_unit="NOPE", umur="abc")]
    ok, _out, err = run_import(write_csv(tmp_path / "r.csv", rows))
    assert not ok
    lines = [line for line in err.splitlines() if line.startswith("row ")]
    assert [line.split(":")[0:2] for line in lines] == [["row 2", " u1"], ["row 4", " kode_unit"], ["row 4", " umur"]]
    assert Response.objects.count() == 0


def test_a_missing_column_is_named(reference_units, tmp_path):
    header = [c for c in RESPONSE_HEADER if c != "u7"]
    ok, _out, err = run_import(write_csv(tmp_path / "r.csv", [response_row()], header=header))
    assert not ok
    assert "row 1: u7:" in err


@pytest.mark.parametrize("content", [b"", b"   \n", ",".join(RESPONSE_HEADER).encode() + b"\n"])
def test_an_empty_file_is_refused(reference_units, tmp_path, content):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    ok, _out, err = run_import(path)
    assert not ok
    assert "file:" in err
    assert Response.objects.count() == 0


def test_a_csv_in_another_encoding_is_refused(reference_units, tmp_path):
    rows = [response_row(), response_row(saran="Pelayanan sangat memuaskan, terima kasih Bapak/Ibu — sukses")]
    path = write_csv(tmp_path / "r.csv", rows, encoding="cp1252")
    ok, _out, err = run_import(path)
    assert not ok
    assert "row 3:" in err and "UTF-8" in err
    assert Response.objects.count() == 0


def test_an_xlsx_that_is_not_a_spreadsheet_is_refused(reference_units, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"MZ\x90\x00 this is a program, not a workbook")
    ok, _out, err = run_import(path)
    assert not ok
    assert "xlsx" in err
    assert Response.objects.count() == 0


def test_an_unsupported_extension_is_refused(reference_units, tmp_path):
    path = write_csv(tmp_path / "r.txt", [response_row()])
    ok, _out, err = run_import(path)
    assert not ok
    assert ".txt" in err


def test_formula_cells_in_an_xlsx_are_refused(reference_units, tmp_path):
    row = {**response_row(), "u1": "=1+3"}
    ok, _out, err = run_import(write_xlsx(tmp_path / "r.xlsx", [response_row(), row]))
    assert not ok
    assert "row 3: u1:" in err
    assert Response.objects.count() == 0


def test_a_missing_file_is_a_clear_error(reference_units, tmp_path):
    ok, _out, err = run_import(tmp_path / "nope.csv")
    assert not ok
    assert "nope.csv" in err


def test_semicolon_csv_from_an_indonesian_spreadsheet_is_read(reference_units, tmp_path):
    path = tmp_path / "r.csv"
    header = ";".join(RESPONSE_HEADER)
    path.write_text(header + "\n" + ";".join(response_row().values()) + "\n", encoding="utf-8")
    ok, _out, err = run_import(path)
    assert ok, err
    assert Response.objects.count() == 1


def test_a_damaged_xlsx_is_refused_cleanly(reference_units, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [response_row()])
    damaged = tmp_path / "r.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # the sheet's XML cut in half
            target.writestr(item, data)
    ok, _out, err = run_import(damaged)
    assert not ok
    assert "xlsx" in err
    assert Response.objects.count() == 0
