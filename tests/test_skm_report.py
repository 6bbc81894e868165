"""The report command against the city report of Kota Pekalongan, Semester II 2023."""

import io
import json
import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports.demo.reference import demo_response_rows, load_reference_units
from reports.documents.raw_xlsx import write_raw_responses_xlsx
from surveys.models import Response
from tests.conftest import REFERENCE_UNITS, import_rows, pdf_text, response_row, write_csv, write_xlsx
from units.models import Unit

pytestmark = pytest.mark.django_db

CITY_UNSUR = dict(
    zip([f"U{k}" for k in range(1, 10)], [89.89, 90.02, 88.18, 95.64, 89.31, 89.49, 89.85, 87.51, 96.34], strict=True)
)
# BAB II of the report: (label, frequency, percent).
REPORT_DEMOGRAPHICS = {
    "umur": [
        ("< 20", 1275, 8.9),
        ("20-29", 3138, 22.0),
        ("30-39", 3797, 26.6),
        ("40-49", 3425, 24.0),
        (">= 50", 2614, 18.3),
    ],
    "jenis_kelamin": [("Laki-laki", 7184, 50.4), ("Perempuan", 7065, 49.6)],
    "pendidikan": [
        ("SD/SEDERAJAT", 1955, 13.7),
        ("SMP/SEDERAJAT", 2752, 19.3),
        ("SMA/SMK/SEDERAJAT", 6217, 43.6),
        ("DIPLOMA", 772, 5.4),
        ("S1", 2223, 15.6),
        ("S2/S3", 176, 1.2),
        ("LAINNYA", 154, 1.1),
    ],
    "pekerjaan": [
        ("PNS/P3K", 1518, 10.7),
        ("TNI/POLRI", 35, 0.2),
        ("KARYAWAN", 1896, 13.3),
        ("WIRASWASTA", 2479, 17.4),
        ("MAHASISWA/PELAJAR", 1314, 9.2),
        ("LAINNYA", 7007, 49.2),
    ],
}


def report(tmp_path, fmt="json", *extra):
    output = tmp_path / f"report.{fmt}"
    call_command(
        "skm_report", "--period", "2023-S2", "--format", fmt, "--output", str(output), *extra, stdout=io.StringIO()
    )
    return json.loads(output.read_text(encoding="utf-8")) if fmt == "json" else output


@pytest.fixture
def units_children_first(db, tmp_path):
    lines = REFERENCE_UNITS.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "units.csv"
    path.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    call_command("import_units", str(path), stdout=io.StringIO())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_reproduces_the_city_report(units_children_first, tmp_path, fmt):
    rows = demo_response_rows(seed=7)
    random.Random(1).shuffle(rows)
    writer = write_csv if fmt == "csv" else write_xlsx
    call_command(
        "import_responses",
        str(writer(tmp_path / f"responses.{fmt}", rows)),
        "--period",
        "2023-S2",
        stdout=io.StringIO(),
    )

    data = report(tmp_path)
    published = {u.kode: u for u in load_reference_units()}
    assert [u["code"] for u in data["units"]] == sorted(published)
    for unit in data["units"]:
        expected = published[unit["code"]]
        assert unit["respondents"] == expected.respondents
        assert [Decimal(str(unit["unsur"][f"U{k}"])) for k in range(1, 10)] == list(expected.unsur), unit["code"]
        assert Decimal(str(unit["ikm"])) == expected.ikm
        assert unit["category"] == ("Sangat Baik" if expected.ikm >= Decimal("88.31") else "Baik")
        assert unit["collection_period"] == "Juli - Oktober 2023"
    overall = data["overall"]
    assert overall["unsur"] == CITY_UNSUR
    assert (overall["ikm"], overall["category"], overall["grade"]) == (90.69, "Sangat Baik", "A")
    assert (overall["units"], overall["respondents"]) == (79, 14249)
    assert {
        name: [(r["label"], r["count"], r["percent"]) for r in rows] for name, rows in data["demographics"].items()
    } == REPORT_DEMOGRAPHICS


def test_the_edge_units_of_the_report_get_their_published_category(units_children_first, tmp_path):
    import_rows(tmp_path, [r for r in demo_response_rows() if r["kode_unit"] in ("UPP028", "UPP055")])
    units = {u["code"]: u for u in report(tmp_path)["units"]}
    assert (units["UPP028"]["ikm"], units["UPP028"]["category"]) == (88.32, "Sangat Baik")
    assert (units["UPP055"]["ikm"], units["UPP055"]["category"]) == (88.29, "Baik")


@pytest.fixture
def small_period(reference_units, tmp_path):
    rows = [
        response_row(kode_unit="UPP001", u1="1", tanggal="2023-07-03 08:00"),
        response_row(kode_unit="UPP001", u1="2", tanggal="2023-09-03 08:00"),
        response_row(kode_unit="UPP002", u8="3", tanggal="2023-12-31 23:59", umur="19", jenis_kelamin="L"),
    ]
    import_rows(tmp_path, rows)


def test_units_without_responses_are_listed_with_null_values_and_left_out_of_the_city_row(small_period, tmp_path):
    data = report(tmp_path)
    assert len(data["units"]) == 79
    empty = next(u for u in data["units"] if u["code"] == "UPP003")
    assert empty["respondents"] == 0
    assert empty["ikm"] is None and empty["category"] is None and empty["collection_period"] is None
    assert set(empty["unsur"].values()) == {None}
    first = next(u for u in data["units"] if u["code"] == "UPP001")
    assert first["unsur"]["U1"] == 37.5 and first["collection_period"] == "Juli - September 2023"
    assert first["priorities"][0] == "U1"
    overall = data["overall"]
    assert (overall["units"], overall["respondents"]) == (2, 3)
    # Unweighted over units: U1 is (37,5 + 100) / 2, not (25 + 50 + 100) / 3.
    assert overall["unsur"]["U1"] == 68.75
    assert data["demographics"]["umur"][0] == {"label": "< 20", "count": 1, "percent": 33.3}


def test_one_unit_report_holds_only_that_unit(small_period, tmp_path):
    data = report(tmp_path, "json", "--unit", "UPP002")
    assert [u["code"] for u in data["units"]] == ["UPP002"]
    assert data["overall"]["respondents"] == 1
    assert data["overall"]["unsur"]["U8"] == 75.0
    assert data["units"][0]["collection_period"] == "Desember 2023"
    assert sum(r["count"] for r in data["demographics"]["jenis_kelamin"]) == 1


def test_the_xlsx_recap_stores_numbers_as_numbers(small_period, tmp_path):
    workbook = load_workbook(report(tmp_path, "xlsx"))
    assert workbook.sheetnames == [
        "Rekap",
        "Usia",
        "Jenis Kelamin",
        "Pendidikan",
        "Pekerjaan",
        "Rencana Tindak Lanjut",
        "Saran per Unsur",
    ]
    rekap = workbook["Rekap"]
    header = [c.value for c in rekap[1]]
    assert header[4:14] == [f"U{k}" for k in range(1, 10)] + ["IKM"]
    first = list(rekap[2])
    assert first[2].value == "UPP001"
    assert first[4].value == 37.5 and first[4].data_type == "n" and first[4].number_format == "0.00"
    respondents = first[header.index("Jumlah Resp.")]
    assert respondents.value == 2 and respondents.number_format == "0"
    last = [c.value for c in rekap[rekap.max_row]]
    assert last[1] == "Rata-rata Indeks per Unsur dan Indeks SKM"
    assert last[4] == 68.75
    assert [c.value for c in workbook["Usia"]["B"]][1:] == [1, 0, 2, 0, 0, 3]


def test_the_xlsx_recap_writes_formula_like_text_as_text(reference_units, tmp_path):
    units = tmp_path / "u.csv"
    units.write_text('kode,nama\nEVIL,"=HYPERLINK(""http://x"",""klik"")"\n', encoding="utf-8")
    call_command("import_units", str(units), stdout=io.StringIO())
    import_rows(tmp_path, [response_row(kode_unit="EVIL")])
    rekap = load_workbook(report(tmp_path, "xlsx"))["Rekap"]
    cell = next(row[1] for row in rekap.iter_rows() if row[2].value == "EVIL")
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_the_xlsx_files_leave_out_what_xml_cannot_hold(reference_units, tmp_path):
    # Text stored before the input rules refused them (or typed where none checks): the files still open.
    period = import_rows(tmp_path, [response_row(kode_unit="UPP017", saran="Antri lama")])
    Unit.objects.filter(kode="UPP017").update(nama="Dinas\ufffe Sosial\x01")
    Response.objects.update(saran="Antri\uffff lama\x0b")
    rekap = load_workbook(report(tmp_path, "xlsx"))["Rekap"]
    assert any(row[1].value == "Dinas Sosial" for row in rekap.iter_rows())
    raw = io.BytesIO()
    write_raw_responses_xlsx(period=period, unit=None, output=raw)
    sheet = load_workbook(raw).active
    header = [cell.value for cell in sheet[1]]
    assert [row[header.index("saran")].value for row in sheet.iter_rows(min_row=2)] == ["Antri lama"]


def test_the_command_writes_the_city_and_unit_pdf(small_period, tmp_path):
    city = report(tmp_path, "pdf")
    text = pdf_text(city, layout=True)
    assert "Badan Kepegawaian" in text and "68,75" in text  # the unweighted city U1
    unit = tmp_path / "unit.pdf"
    call_command(
        "skm_report",
        "--period",
        "2023-S2",
        "--format",
        "pdf",
        "--output",
        str(unit),
        "--unit",
        "UPP002",
        stdout=io.StringIO(),
    )
    text = pdf_text(unit, layout=True)
    assert "Badan Kesatuan Bangsa" in text and "Badan Kepegawaian" not in text


def test_unknown_period_and_unit_are_clear_errors(small_period, tmp_path):
    with pytest.raises(CommandError, match="2031-S1"):
        call_command("skm_report", "--period", "2031-S1", "--format", "json", "--output", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="UPP999"):
        report(tmp_path, "json", "--unit", "UPP999")
