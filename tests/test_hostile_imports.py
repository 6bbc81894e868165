"""Files an attacker or a careless generator makes: refused quickly, in bounded memory, with a short
list of problems, and nothing stored; the import follows the questionnaire's rules."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from surveys.models import ImportBatch, Period, Response
from tests.conftest import RESPONSE_HEADER, response_row, write_csv, write_xlsx
from tests.factories import PeriodFactory
from units.models import JenisLayanan, Unit

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def import_command(path: Path, period: str = "2023-S2") -> tuple[bool, str]:
    err = io.StringIO()
    try:
        call_command("import_responses", str(path), "--period", period, stdout=io.StringIO(), stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, err.getvalue()


def bounded(run):
    """Run `run()`; (its result, seconds, peak MB of Python memory)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = run()
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return result, seconds, peak


def raw_xlsx(path: Path, rows_xml: str, dimension: str = "A1:Q2") -> Path:
    """An .xlsx written by hand, as other generators write them: the sheet's XML exactly as given."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{rows_xml}</sheetData></worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def sheet_rows(rows: list[list[str]], first: int = 1) -> str:
    """<row> elements of inline strings, rows numbered from `first`."""
    xml = []
    for number, values in enumerate(rows, start=first):
        cells = "".join(
            f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>' for i, value in enumerate(values)
        )
        xml.append(f'<row r="{number}">{cells}</row>')
    return "".join(xml)


def response_values(**overrides) -> list[str]:
    row = response_row(**overrides)
    return [row[column] for column in RESPONSE_HEADER]


def test_one_cell_at_the_last_column_and_row_is_refused_fast_and_small(reference_units, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(RESPONSE_HEADER)
    sheet.append(response_values())
    sheet.cell(row=1_048_576, column=16_384, value="x")  # <dimension ref="A1:XFD1048576"/>
    workbook.save(tmp_path / "r.xlsx")
    assert (tmp_path / "r.xlsx").stat().st_size < 10_000

    (ok, err), seconds, peak = bounded(lambda: import_command(tmp_path / "r.xlsx"))
    assert not ok
    assert "XFD1048576" in err
    assert seconds < 2 and peak < 50, (seconds, peak)
    assert Response.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_far_cell_cannot_hide_behind_other_quotes_or_a_missing_reference(reference_units, tmp_path):
    rows = sheet_rows([RESPONSE_HEADER, response_values()])
    single_quotes = raw_xlsx(
        tmp_path / "a.xlsx", rows + "<row r='3'><c r='ZZ3' t='inlineStr'><is><t>x</t></is></c></row>"
    )
    ok, err = import_command(single_quotes)
    assert not ok and "ZZ3" in err
    entity = raw_xlsx(tmp_path / "b.xlsx", rows + '<row r="3"><c r="&#90;Z3"><v>1</v></c></row>')
    ok, err = import_command(entity)
    assert not ok and "bukan lembar kerja .xlsx" in err
    assert Response.objects.count() == 0


def test_a_sheet_whose_dimension_under_declares_its_rows_is_read_whole(reference_units, tmp_path):
    rows = [RESPONSE_HEADER, *(response_values(umur=str(30 + n)) for n in range(5))]
    ok, err = import_command(raw_xlsx(tmp_path / "r.xlsx", sheet_rows(rows), dimension="A1:P2"))
    assert ok, err
    assert sorted(Response.objects.values_list("umur", flat=True)) == [30, 31, 32, 33, 34]


def test_an_openpyxl_file_with_a_shrunk_dimension_record_is_read_whole(reference_units, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [response_row(umur=str(40 + n)) for n in range(5)])
    shrunk = tmp_path / "r.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(shrunk, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension[^>]*/>", b"", data)  # whatever the writer declared...
                data = data.replace(b"<sheetData>", b'<dimension ref="A1:P2"/><sheetData>', 1)  # ...now 2 rows
            target.writestr(item, data)
    ok, err = import_command(shrunk)
    assert ok, err
    assert Response.objects.count() == 5


def test_formula_cells_are_refused_with_row_and_column_also_shared_ones(reference_units, tmp_path):
    rows = sheet_rows([RESPONSE_HEADER, response_values()])
    shared = (
        '<row r="3"><c r="A3" t="inlineStr"><is><t>UPP001</t></is></c>'
        '<c r="I3"><f t="shared" si="0"/><v>4</v></c></row>'
    )
    ok, err = import_command(raw_xlsx(tmp_path / "r.xlsx", rows + shared))
    assert not ok
    assert "row 3: u2:" in err and "rumus" in err
    assert Response.objects.count() == 0


def test_a_header_of_150000_columns_is_refused_before_any_row(reference_units, tmp_path):
    path = tmp_path / "r.csv"
    # Short names: a header line over 1 MB is refused for its length (below).
    path.write_text(",".join(["c"] * 150_000) + "\n" + "1," * 10 + "\n", encoding="utf-8")
    (ok, err), seconds, peak = bounded(lambda: import_command(path))
    assert not ok
    assert "150000" in err.replace(".", "")
    assert seconds < 2 and peak < 80, (seconds, peak)


def test_100000_bad_rows_give_the_first_100_problems_and_a_count(reference_units, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(",".join(RESPONSE_HEADER) + "\n" + "x\n" * 100_000, encoding="utf-8")
    assert path.stat().st_size < 250_000
    started = time.perf_counter()  # not under tracemalloc, which slows every allocation several times
    ok, err = import_command(path)
    seconds = time.perf_counter() - started
    assert not ok
    assert seconds < 4, seconds  # about 1,5 s on the development machine
    lines = err.strip().splitlines()
    problems = [line for line in lines if line.startswith("row ")]
    assert len(problems) == 100
    assert problems[0].startswith("row 2: kode_unit:")
    # 15 problems a row (unit, date, age, sex, education, occupation, nine answers): 1.500.000 in all.
    assert "1499900" in err.replace(".", "")
    assert len(err) < 20_000
    assert Response.objects.count() == 0


def test_the_web_page_of_a_file_with_100000_bad_rows_stays_small(unit_admin, tmp_path):
    PeriodFactory(kode="2023-S2", status="open")
    data = (",".join(RESPONSE_HEADER) + "\n" + "x\n" * 100_000).encode()
    upload = SimpleUploadedFile("kertas.csv", data, content_type="text/csv")
    response = unit_admin.post(
        reverse("surveys:response_import", args=["UPP017"]), {"periode": "2023-S2", "berkas": upload}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert len(html) < 100_000
    assert html.count("<li>") >= 100 and "1.499.900" in html
    assert Response.objects.count() == 0


def test_cells_right_of_the_header_are_not_kept(reference_units, tmp_path):
    path = tmp_path / "r.csv"
    row = ",".join(response_row().values()) + "," + ",".join(["ekstra"] * 5000)
    path.write_text(",".join(RESPONSE_HEADER) + "\n" + row + "\n", encoding="utf-8")
    ok, err = import_command(path)
    assert ok, err
    assert Response.objects.get().saran == ""


def test_an_import_follows_the_questionnaires_rules(reference_units, tmp_path):
    today = timezone.localdate()
    open_now = PeriodFactory(kode=f"{today.year}-S{1 if today.month <= 6 else 2}", status="open")
    unit = Unit.objects.get(kode="UPP016")
    JenisLayanan.objects.create(unit=unit, nama="KTP elektronik")
    tomorrow = today + timedelta(days=1)
    inside = tomorrow if tomorrow <= open_now.tanggal_selesai else today
    rows = [
        response_row(kode_unit="UPP016", tanggal=f"{inside:%Y-%m-%d} 23:59", jenis_layanan="KTP elektronik"),
        response_row(kode_unit="UPP016", tanggal=f"{today:%Y-%m-%d}", jenis_layanan='=HYPERLINK("http://x")'),
        response_row(kode_unit="UPP016", tanggal=f"{today:%Y-%m-%d}", jenis_layanan="ktp  ELEKTRONIK"),
        response_row(kode_unit="UPP001", tanggal=f"{today:%Y-%m-%d}", jenis_layanan="", saran="a\x00b"),
        response_row(kode_unit="UPP001", tanggal=f"{today:%Y-%m-%d}", jenis_layanan="", saran="bel\x07"),
    ]
    ok, err = import_command(write_csv(tmp_path / "r.csv", rows), period=open_now.kode)
    assert not ok
    if inside == tomorrow:  # not on the period's last day
        assert "row 2: tanggal:" in err and "masa depan" in err
    assert "row 3: jenis_layanan:" in err
    assert "4: jenis_layanan" not in err  # the same name in another case and spacing is that name
    assert "row 5: saran: mengandung karakter kendali (kode 0)" in err
    assert "row 6: saran: mengandung karakter kendali (kode 7)" in err
    assert Response.objects.count() == 0


def test_a_quote_never_closed_is_refused_at_its_row(reference_units, tmp_path):
    # A saran opening with " that never closes would swallow every following row into its text.
    good = write_csv(tmp_path / "good.csv", [response_row(saran="Cepat") for _ in range(4)]).read_text()
    lines = good.splitlines()
    lines[2] = lines[2].replace("Cepat", '"Cepat, rapi')
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n")
    ok, err = import_command(path)
    assert not ok
    assert 'row 3: -: sel bertanda kutip tidak pernah ditutup (kurang satu ")' in err
    assert Response.objects.count() == 0


def test_a_service_type_is_stored_as_the_unit_names_it(reference_units, tmp_path):
    JenisLayanan.objects.create(unit=Unit.objects.get(kode="UPP016"), nama="KTP elektronik")
    ok, err = import_command(
        write_csv(tmp_path / "r.csv", [response_row(kode_unit="UPP016", jenis_layanan=" ktp Elektronik ")])
    )
    assert ok, err
    assert Response.objects.get().jenis_layanan == "KTP elektronik"


def test_a_unit_without_service_types_takes_the_text_as_written(reference_units, tmp_path):
    ok, err = import_command(write_csv(tmp_path / "r.csv", [response_row(jenis_layanan="Legalisir ijazah")]))
    assert ok, err
    assert Response.objects.get().jenis_layanan == "Legalisir ijazah"


def test_a_quoted_long_value_is_shortened_in_the_problem(reference_units, tmp_path):
    ok, err = import_command(write_csv(tmp_path / "r.csv", [response_row(umur="9" * 5000)]))
    assert not ok
    assert len(err) < 1000 and "…" in err


def test_a_units_file_with_a_control_character_in_a_name_is_refused(db, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("kode,nama\nU1,Dinas\x00Kesehatan\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_units", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Unit.objects.exists()


def test_empty_rows_below_the_data_are_no_responses_and_no_problem(reference_units, tmp_path):
    # A template formatted down to row 5.100: past the first frame of rows, only empty cells.
    rows = [response_row(kode_unit="UPP016") for _ in range(100)]
    path = write_csv(tmp_path / "r.csv", rows)
    path.write_text(path.read_text() + ("," * (len(RESPONSE_HEADER) - 1) + "\n") * 5000)
    ok, err = import_command(path)
    assert ok, err
    assert Response.objects.count() == 100
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(RESPONSE_HEADER)
    sheet.append(response_values(kode_unit="UPP017"))
    sheet.cell(row=6000, column=3).number_format = "0.00"  # a styled, empty cell far below
    workbook.save(tmp_path / "r.xlsx")
    ok, err = import_command(tmp_path / "r.xlsx")
    assert ok, err
    assert Response.objects.filter(unit__kode="UPP017").count() == 1
    blank = tmp_path / "blank.csv"
    blank.write_text(",".join(RESPONSE_HEADER) + "\n" + ("," * (len(RESPONSE_HEADER) - 1) + "\n") * 6000)
    ok, err = import_command(blank)
    assert not ok and "berkas memiliki baris judul tetapi tidak ada baris data" in err
    assert Response.objects.count() == 101


def test_a_cell_with_its_position_written_twice_is_refused(reference_units, tmp_path):
    # The scan would read the first position and python-calamine the last: a grid of 17 billion cells.
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>' for i, name in enumerate(RESPONSE_HEADER)
    )
    for cell in ('<c r="A2" r="XFD1048576"><v>1</v></c>', "<c r='A2'  r = 'XFD1048576'><v>1</v></c>"):
        path = raw_xlsx(tmp_path / "twice.xlsx", f'<row r="1">{header}</row><row r="2">{cell}</row>')
        ok, err = import_command(path)
        assert not ok and "berkas bukan lembar kerja .xlsx" in err, err
    assert Response.objects.count() == 0


def test_control_characters_of_a_quoted_value_are_escaped(reference_units, tmp_path):
    # Written raw, they would clear the operator's terminal or retitle its window.
    path = write_csv(tmp_path / "r.csv", [response_row(kode_unit="\x1b[2J\x1b[31mUPP", u1="\x1b]0;x\x07")])
    ok, err = import_command(path)
    assert not ok and "\x1b" not in err and "\x07" not in err
    assert "kode unit \\x1b[2J\\x1b[31mUPP tidak dikenal" in err and "tertulis \\x1b]0;x\\x07" in err


def test_a_refused_import_leaves_no_new_period_and_codes_take_ascii_digits_only(reference_units, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [response_row(u1="9")])
    ok, err = import_command(bad, period="9999-S1")
    assert not ok and "u1" in err
    good = write_csv(tmp_path / "good.csv", [response_row()])
    for code in ("٢٠٢٣-S2", "２０２３-S2", "2023-s2"):  # Arabic-Indic and full-width digits, a small s
        ok, err = import_command(good, period=code)
        assert not ok and f"kode periode {code} tidak berbentuk YYYY-S1 atau YYYY-S2" in err
    assert not Period.objects.exists() and Response.objects.count() == 0


def shared_xlsx(path: Path, strings: list[str], rows_xml: str) -> Path:
    """raw_xlsx with shared strings, as Excel writes text cells: <c t="s"><v>index</v></c>."""
    raw_xlsx(path, rows_xml)
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name).decode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>",
        f'<Relationship Id="rId9" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    parts["xl/sharedStrings.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def shared_rows(rows: list[list[str]], strings: list[str]) -> str:
    """<row> elements whose cells point into `strings` (added to as needed)."""
    xml = []
    for number, values in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(values):
            if value not in strings:
                strings.append(value)
            cells.append(f'<c r="{chr(65 + column)}{number}" s="1" t="s"><v>{strings.index(value)}</v></c>')
        xml.append(f'<row r="{number}">{"".join(cells)}</row>')
    return "".join(xml)


def test_an_xlsx_of_shared_strings_imports_and_its_text_is_bounded(reference_units, tmp_path):
    strings: list[str] = []
    rows = shared_rows([RESPONSE_HEADER, response_values(kode_unit="UPP016", saran="Ruang tunggu panas")], strings)
    ok, err = import_command(shared_xlsx(tmp_path / "excel.xlsx", strings, rows))
    assert ok, err
    assert Response.objects.get().saran == "Ruang tunggu panas"
    # One string longer than Excel lets a cell hold.
    strings = []
    rows = shared_rows([RESPONSE_HEADER, response_values(saran="x" * 32_768)], strings)
    ok, err = import_command(shared_xlsx(tmp_path / "long.xlsx", strings, rows))
    assert not ok and "sel berisi lebih dari 32.767 karakter" in err, err
    # A short sheet pointing 4.000 times at a string of 30.000 characters: 120 million characters
    # for the reader to copy, from a file of a few KB. Half the cells spell their type otherwise.
    strings = ["y" * 30_000]
    cells = "".join(
        f'<row r="{n}"><c r="Q{n}" t="s"><v>0</v></c></row>'
        if n % 2
        else f"<row r='{n}'><c r='Q{n}' t = 's'>\n<v> 0 </v></c></row>"
        for n in range(2, 4_002)
    )
    header = shared_rows([RESPONSE_HEADER], strings)
    path = shared_xlsx(tmp_path / "bomb.xlsx", strings, header + cells)
    assert path.stat().st_size < 100_000
    (ok, err), seconds, peak = bounded(lambda: import_command(path))
    assert not ok and "sel-selnya berisi lebih dari 100.000.000 karakter teks" in err, err
    assert peak < 100 and seconds < 30
    assert Response.objects.count() == 1


def test_a_csv_line_over_a_megabyte_is_refused_before_it_is_parsed(reference_units, tmp_path):
    header = ",".join(RESPONSE_HEADER)
    commas = tmp_path / "commas.csv"
    commas.write_text("," * 30_000_000)  # one line: its cells would take gigabytes in the parsers
    data = write_csv(tmp_path / "data.csv", [response_row()])
    data.write_text(data.read_text() + "," * 30_000_000 + "\n")
    for path, line in ((commas, 1), (data, 3)):
        (ok, err), seconds, peak = bounded(lambda path=path: import_command(path))
        assert not ok and f"row {line}: -: baris lebih panjang dari 1 MB" in err, err
        assert peak < 50 and seconds < 10
    wide = tmp_path / "wide.csv"
    wide.write_text(header + ',"' + "x" * 200_000 + '"\n' + ",".join(response_values()) + "\n")
    ok, err = import_command(wide)
    assert not ok and "sel baris judul lebih panjang dari 131.072 karakter" in err, err
    assert Response.objects.count() == 0


def test_a_units_file_and_a_period_code_are_quoted_short_and_escaped(db, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("kode,nama,induk\nU1,Dinas,\x1b]0;x\x07" + "P" * 5000 + "\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_units", str(path), stdout=io.StringIO(), stderr=err)
    assert "kode unit \\x1b]0;x\\x07PPP" in err.getvalue() and "\x1b" not in err.getvalue()
    assert len(err.getvalue()) < 500 and not Unit.objects.exists()
    ok, message = import_command(write_csv(tmp_path / "r.csv", [response_row()]), period="2023-S2\x01" + "9" * 5000)
    assert not ok and "kode periode 2023-S2\\x01999" in message and "\x01" not in message and len(message) < 500
    assert not Period.objects.exists()
