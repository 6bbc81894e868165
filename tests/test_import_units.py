import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.conftest import REFERENCE_UNITS
from units.models import Unit

pytestmark = pytest.mark.django_db
UNIT_HEADER = ["kode", "nama", "induk", "jenis"]


def run(path, stderr=None):
    out = io.StringIO()
    call_command("import_units", str(path), stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue()


def write(tmp_path, text, name="units.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_imports_the_79_reference_units_with_parents():
    assert "79" in run(REFERENCE_UNITS)
    assert Unit.objects.count() == 79
    puskesmas = Unit.objects.get(kode="UPP066")
    assert puskesmas.induk.kode == "UPP017"
    assert puskesmas.jenis == "Puskesmas"
    assert Unit.objects.get(kode="UPP032").children.count() == 7  # Pekalongan Barat's Kelurahan


def test_it_accepts_parents_listed_after_children(tmp_path):
    path = write(tmp_path, "KODE,Nama,Induk,Jenis\nK1,Kelurahan Satu,C1,Kelurahan\nC1,Kecamatan Satu,,Kecamatan\n")
    run(path)
    assert Unit.objects.get(kode="K1").induk.kode == "C1"


def test_rerunning_updates_by_kode(tmp_path):
    run(REFERENCE_UNITS)
    path = write(tmp_path, "kode,nama,induk,jenis\nUPP001,BKPSDM Kota Pekalongan,,Badan\n")
    assert "0 unit dibuat, 1 diperbarui" in run(path)
    assert Unit.objects.get(kode="UPP001").nama == "BKPSDM Kota Pekalongan"
    assert Unit.objects.count() == 79


def test_it_imports_xlsx(tmp_path):
    workbook = Workbook()
    workbook.active.append(UNIT_HEADER)
    workbook.active.append(["X1", "Unit X", None, "Dinas"])
    workbook.save(tmp_path / "units.xlsx")
    run(tmp_path / "units.xlsx")
    assert Unit.objects.get(kode="X1").jenis == "Dinas"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("kode,nama\nA,\n", "row 2: nama:"),
        ("kode,nama\n,Unit\n", "row 2: kode:"),
        ("kode,nama\nA,Unit\nA,Unit lagi\n", "row 3: kode:"),
        ("kode,nama,induk\nA,Unit,ZZZ\n", "row 2: induk:"),
        ("kode,nama,induk\nA,Unit,B\nB,Unit B,A\n", "row 2: induk:"),
        ("kode,nama\nA/B,Unit\n", "row 2: kode:"),
        ("nama\nUnit\n", "row 1: kode:"),
        ("", "file:"),
    ],
)
def test_it_refuses_bad_rows_and_changes_nothing(tmp_path, text, expected):
    run(REFERENCE_UNITS)
    before = list(Unit.objects.values_list("kode", "nama", "induk_id"))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        run(write(tmp_path, text), stderr=stderr)
    assert expected in stderr.getvalue()
    assert list(Unit.objects.values_list("kode", "nama", "induk_id")) == before


def test_one_bad_row_keeps_the_good_rows_out(tmp_path):
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        run(write(tmp_path, "kode,nama\nA,Unit A\nB,\n"), stderr=stderr)
    assert Unit.objects.count() == 0
    assert stderr.getvalue().splitlines() == ["row 3: nama: wajib diisi"]


def test_moving_a_unit_to_another_parent_counts_as_an_update(tmp_path):
    run(REFERENCE_UNITS)
    path = write(tmp_path, "kode,nama,induk,jenis\nUPP066,UPT Puskesmas Bendan,UPP032,Puskesmas\n")
    assert "0 unit dibuat, 1 diperbarui" in run(path)
    assert Unit.objects.get(kode="UPP066").induk.kode == "UPP032"
