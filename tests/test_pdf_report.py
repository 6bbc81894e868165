"""The PDF reports (city semester report and a unit's own report), read back with poppler.

The demo test renders the reference-sized city report (79 units, 14.249 responses) once and
checks many things in it; the other tests use small data or no database at all.
"""

from __future__ import annotations

import io
import re
import subprocess
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from reports import charts
from reports.demo.reference import load_reference_units
from reports.documents.data import report_data
from reports.models import FrontMatter, HistoricalIkm, PeriodSnapshot, PrioritasUnsur
from reports.pdf.city import city_report_pdf
from reports.pdf.formatting import fill, paragraphs, semester_label
from reports.pdf.unit import unit_report_pdf
from reports.selectors.results import unit_results
from reports.selectors.verification import period_verify
from reports.services.locking import period_lock
from reports.tanggal import collection_window, tanggal_indonesia
from surveys.models import Period, Response
from tests.conftest import import_rows, pdf_text, response_row
from units.models import Unit

SCRIPT = "<script>alert(1)</script>"
CATEGORY_WORD = {"Sangat Baik": "SANGAT", "Baik": "BAIK", "Kurang Baik": "KURANG", "Tidak Baik": "TIDAK"}


# --- reading PDFs back ---------------------------------------------------------------------------


def save(tmp_path: Path, name: str, data: bytes) -> Path:
    assert data.startswith(b"%PDF-")
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pages_text(path: Path) -> list[str]:
    """The text of every page (`pdftotext -layout`), in order."""
    return pdf_text(path, layout=True).split("\f")[:-1]


def page_size(path: Path, number: int) -> tuple[int, int]:
    out = subprocess.run(
        ["pdfinfo", "-f", str(number), "-l", str(number), str(path)], check=True, capture_output=True, text=True
    ).stdout
    match = re.search(rf"Page\s+{number} size:\s+([\d.]+) x ([\d.]+)", out)
    return round(float(match[1])), round(float(match[2]))


def flat(text: str) -> str:
    return " ".join(text.split())


def angka(value) -> str:
    return charts.angka(value)


# --- no database ---------------------------------------------------------------------------------


def test_charts_are_deterministic_svg_with_indonesian_numbers():
    labels = [f"U{k}" for k in range(1, 10)]
    values = [Decimal("95.65"), Decimal("95.79"), 97.47, 99.16, 96.35, 96.49, 98.46, 95.08, 98.6]
    first = charts.bar_chart_svg(labels, values, reference=Decimal("97.00"), reference_label="IKM 97,00")
    assert first == charts.bar_chart_svg(labels, values, reference=Decimal("97.00"), reference_label="IKM 97,00")
    assert first.lstrip().startswith("<?xml") and "<svg" in first
    assert "95,65" in first and "98,60" in first and "IKM 97,00" in first
    assert "<dc:date>" not in first
    trend = charts.line_chart_svg(["2018", "2022", "2023-S2"], [Decimal("84.12"), 89.1, Decimal("90.69")])
    assert (
        "84,12" in trend
        and "2023-S2" in trend
        and trend == charts.line_chart_svg(["2018", "2022", "2023-S2"], [Decimal("84.12"), 89.1, Decimal("90.69")])
    )
    distribution = charts.distribution_chart_svg(
        ["Laki-laki", "Perempuan"], [7184, 7065], [Decimal("50.42"), Decimal("49.58")]
    )
    assert "7.184 (50,4%)" in distribution
    assert charts.angka(14249, 0) == "14.249" and charts.angka(Decimal("90.685")) == "90,69"


def test_indonesian_words_and_placeholders():
    assert tanggal_indonesia(date(2024, 1, 31)) == "31 Januari 2024"
    assert semester_label(Period(kode="2023-S2")) == "Semester II Tahun 2023"
    assert semester_label(Period(kode="2024-S1")) == "Semester I Tahun 2024"
    values = {"kota": "Kota Pekalongan", "ikm": "90,69"}
    assert (
        fill("Pemerintah {kota}: {ikm} {tidak_dikenal}", values) == "Pemerintah Kota Pekalongan: 90,69 {tidak_dikenal}"
    )
    assert fill("kurung { terbuka {kota}", values) == "kurung { terbuka Kota Pekalongan"  # a stray brace stays
    assert paragraphs("satu\ndua\n\n\ntiga\r\n") == ["satu dua", "tiga"]


# --- the full demo: 79 units, 14.249 responses ---------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
def test_the_city_and_unit_reports_of_the_demo(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    period = Period.objects.get(kode="2023-S2")
    # The demo locks 2023-S2 once its plans and the 2023-S1 realization are in: the snapshot
    # taken at locking is the published report, and the stored responses still match it.
    snapshot = report_data(period=period)
    assert snapshot == period.snapshot.data
    assert (snapshot["overall"]["ikm"], snapshot["overall"]["realization"]) == (90.69, 88.41)
    assert period_verify(period).ok
    # The city's words and history as entered before locking: the lock's snapshot keeps them.
    PeriodSnapshot.objects.filter(period=period).delete()
    FrontMatter.objects.update_or_create(
        period=period, defaults={"tanggal": date(2024, 1, 31), "penandatangan_nama": "Dr. H. Contoh Wali, M.Si."}
    )
    for label, urutan, ikm in (("2018", 201800, "84.12"), ("2022", 202200, "91.10")):
        HistoricalIkm.objects.create(label=label, urutan=urutan, ikm=Decimal(ikm))
    period_lock(kode=period.kode)
    Unit.objects.filter(kode="UPP079").update(nama=f"Puskesmas {SCRIPT}")
    newest = (
        Response.objects.filter(period=period, unit__kode="UPP017")
        .exclude(saran="")
        .order_by("-submitted_at", "-pk")[0]
    )
    Response.objects.filter(pk=newest.pk).update(saran=f"Antrean lama {SCRIPT} & <b>tebal</b>")
    expected = {r.kode: r for r in unit_results(period=period)}

    calls = []
    started = time.monotonic()
    data = city_report_pdf(period=period, progress=lambda stage, percent: calls.append((stage, percent)))
    elapsed = time.monotonic() - started
    print(f"city report: {elapsed:.1f} s")
    assert elapsed < 30, f"the 79-unit city report took {elapsed:.1f} s"

    # Progress: the four stages, percents rising, 100 left to the caller.
    assert [stage for stage, _ in calls] == ["Mengumpulkan data", "Membuat grafik", "Menyusun dokumen", "Membuat PDF"]
    percents = [percent for _, percent in calls]
    assert percents == sorted(set(percents)) and percents[0] > 0 and percents[-1] < 100

    path = save(tmp_path, "kota.pdf", data)
    pages = pages_text(path)
    text = "\f".join(pages)
    words = flat(text)
    assert "LAPORAN PELAKSANAAN SURVEI KEPUASAN MASYARAKAT (SKM) SEMESTER II TAHUN 2023" in flat(pages[0])
    assert "Pemerintah Kota Pekalongan Tahun 2023" in flat(pages[0])
    for heading in (
        "DAFTAR ISI",
        "KATA PENGANTAR",
        "BAB I",
        "PENDAHULUAN",
        "BAB II",
        "BAB III",
        "BAB V",
        "KESIMPULAN",
        "LAMPIRAN",
    ):
        assert heading in text, heading
    assert "Pekalongan, 31 Januari 2024" in words and "Wali Kota Pekalongan" in words
    assert words.count("Dr. H. Contoh Wali, M.Si.") == 2  # foreword and BAB V
    # The foreword's placeholders are filled from the figures.
    assert "terhadap 79 Unit Penyelenggara Pelayanan" in words and "sebanyak 14.249 orang" in words
    assert "adalah 90,69 dengan kategori Sangat Baik" in words
    assert "sebanyak 79 UPP telah menyampaikan laporannya" in words and "{" not in words
    assert "Juli s.d Oktober 2023 berjumlah 14.249 orang responden" in words

    # The table of contents has page numbers, and they are right.
    toc = pages[1]
    assert re.search(r"KATA PENGANTAR\s*\.+\s*iii\s*$", toc, re.M)
    match = re.search(r"BAB III HASIL PENGOLAHAN DATA SKM\s*\.+\s*(\d+)\s*$", toc, re.M)
    assert match, toc
    bab3 = next(i for i, page in enumerate(pages) if "HASIL PENGOLAHAN DATA SKM" in page and "DAFTAR ISI" not in page)
    assert pages[bab3].split()[-1] == match[1]  # the footer's page number
    assert re.search(r"BAB V KESIMPULAN\s*\.+\s*\d+\s*$", toc, re.M)
    assert re.search(r"LAMPIRAN-LAMPIRAN\s*\.+\s*\d+\s*$", toc, re.M)

    # BAB III: landscape pages, each with the table's header and the city in the page header (a plan
    # longer than a page goes on over the next one, with the header again, as in the reference report).
    kuesioner = [i for i, page in enumerate(pages) if "Kuesioner" in page]
    table_pages = list(range(kuesioner[0], kuesioner[-1] + 1))
    assert table_pages[0] == bab3 and len(table_pages) >= 10
    for i in table_pages:
        assert page_size(path, i + 1) == (842, 595), i + 1
        header = next(line for line in pages[i].splitlines() if line.strip())
        assert "OPD/ Unit Pelayanan Publik" in pages[i] and "Pemerintah Kota Pekalongan" in header
    assert page_size(path, 1) == (595, 842) and page_size(path, len(pages)) == (595, 842)

    # Every unit with its IKM and category (first word of the upper-case category beside the IKM).
    table = "\n".join(pages[i] for i in table_pages)
    published = {u.kode: u.ikm for u in load_reference_units()}
    for kode, result in expected.items():
        assert angka(result.ikm) == angka(published[kode]), kode
        pattern = rf"(?<![\d,]){re.escape(angka(result.ikm))}\s+{CATEGORY_WORD[result.kategori.label]}\b"
        assert re.search(pattern, table), (kode, angka(result.ikm), result.kategori.label)
    # The city row, its category and the city realization of the previous period's plans.
    assert "89,89 90,02 88,18 95,64 89,31 89,49 89,85 87,51 96,34 90,69" in flat(table)
    city_lines = table.splitlines()
    at = next(i for i, line in enumerate(city_lines) if "Rata-rata Indeks per Unsur" in line)
    around = " ".join(city_lines[at - 2 : at + 3]).lower()
    assert "sangat" in around and "baik" in around and "88,41%" in around
    assert "Rata-rata Realisasi Tindak Lanjut atas Hasil SKM Semester I Tahun 2023 (Periode Sebelumnya)" in flat(table)
    assert "100,00%" in table

    # The trend: the historical values and the portal's period.
    assert "84,12" in text and "2023-S2" in text and "mengalami fluktuasi dari 2018 hingga 2023-S2" in words

    # BAB V and LAMPIRAN.
    assert "UPP dengan nilai IKM di bawah kategori Baik (IKM di bawah 76,61): tidak ada." in words
    best = max(expected.values(), key=lambda r: r.ikm)
    assert f"Nilai IKM tertinggi dicapai oleh {best.nama} ({angka(best.ikm)}" in words
    assert "Unsur yang paling sering menjadi prioritas perbaikan adalah" in words
    # The annex links the public editions (tests/test_signed_city_report.py follows the links), never /kelola/.
    assert "Laporan SKM UPP001" in words and "/kelola/laporan/unit/" not in words

    # User text is printed, not interpreted.
    assert SCRIPT in words

    # The unit's own report.
    unit = Unit.objects.get(kode="UPP017")
    path = save(tmp_path, "unit.pdf", unit_report_pdf(unit=unit, period=period))
    unit_pages = pages_text(path)
    unit_words = flat("\f".join(unit_pages))
    assert 1 < len(unit_pages) <= 8 and page_size(path, 1) == (595, 842)
    assert "Dinas Kesehatan" in unit_words and "87,88" in unit_words and "Baik (B)" in unit_words
    assert (
        "selang kepercayaan 95 %: 87,07" in unit_words and "– 88,68" in unit_words and "populasi belum" in unit_words
    )
    assert "Juli - Oktober 2023" in unit_words and str(expected["UPP017"].respondents) in unit_words
    chosen = PrioritasUnsur.objects.filter(unit=unit, period=period).select_related("unsur").order_by("urutan")
    assert chosen.exists()
    for prioritas in chosen:
        assert f"{prioritas.urutan}. {prioritas.unsur.label_singkat}" in unit_words
    assert "Realisasi tindak lanjut hasil SKM Semester I Tahun 2023" in unit_words
    assert f"Antrean lama {SCRIPT} & <b>tebal</b>" in unit_words  # the newest suggestion, escaped


# --- small data: units below "Baik", units without responses, user text ---------------------


@pytest.mark.django_db
def test_a_small_period_names_weak_and_silent_units_and_escapes_user_text(reference_units, tmp_path):
    units = tmp_path / "u.csv"
    units.write_text(f'kode,nama\nUJI1,"Unit {SCRIPT}"\n', encoding="utf-8")
    call_command("import_units", str(units), stdout=io.StringIO())
    rows = [
        response_row(kode_unit="UPP001", tanggal="2023-08-01 09:00"),  # all 4: 100,00
        *[
            response_row(kode_unit="UPP002", tanggal="2023-09-15 10:00", **{f"u{k}": "2" for k in range(1, 10)})
            for _ in range(2)
        ],
        response_row(
            kode_unit="UJI1",
            tanggal="2023-11-30 10:00",
            saran=f"Tolong {SCRIPT}",
            **{f"u{k}": "3" for k in range(1, 10)},
        ),
    ]
    period = import_rows(tmp_path, rows)
    FrontMatter.objects.create(
        period=period,
        kota="Kota Contoh",
        kata_pengantar="Di {kota} ada {jumlah_unit} UPP, IKM {ikm} ({kategori}), {x}.",
        dasar_hukum="Aturan pertama.\n\nAturan kedua.",
    )

    path = save(tmp_path, "kota.pdf", city_report_pdf(period=period, public_edition=False))
    pages = pages_text(path)
    words = flat("\f".join(pages))
    # City: mean of 100, 50 and 75 over the three units with responses.
    assert "Di Kota Contoh ada 3 UPP, IKM 75,00 (Kurang Baik), {x}." in words
    assert "1. Aturan pertama. 2. Aturan kedua." in words
    assert "Sebanyak 77 dari 80 UPP belum menyampaikan hasil SKM" in words
    assert "Agustus sampai dengan November 2023" in words
    assert (
        "(IKM di bawah 76,61): Badan Kesatuan Bangsa Dan Politik (50,00, Tidak Baik); "
        f"Unit {SCRIPT} (75,00, Kurang Baik)." in words
    )
    table = "\n".join(page for page in pages if "Kuesioner" in page)
    assert (
        re.search(r"100,00\s+SANGAT", table)
        and re.search(r"50,00\s+TIDAK", table)
        and re.search(r"75,00\s+KURANG", table)
    )
    assert "Badan Penanggulangan Bencana" not in table  # UPP003: no responses, no row
    assert "Belum disusun (usulan portal" in words  # no priorities chosen yet: the proposal is shown
    assert "–" in table  # no previous period: no realization
    assert f"Unit {SCRIPT}" in words

    unit = Unit.objects.get(kode="UJI1")
    words = flat("\f".join(pages_text(save(tmp_path, "unit.pdf", unit_report_pdf(unit=unit, period=period)))))
    assert f"Unit {SCRIPT}" in words and f"Tolong {SCRIPT}" in words
    assert "75,00" in words and "Kurang Baik (C)" in words and "November 2023" in words
    assert "Unit belum menetapkan unsur prioritas perbaikan" in words


def test_collection_window_with_another_separator():
    assert (
        collection_window(datetime(2023, 7, 3, tzinfo=UTC), datetime(2023, 10, 30, tzinfo=UTC))
        == "Juli - Oktober 2023"
    )
    assert collection_window(datetime(2023, 7, 3, tzinfo=UTC), datetime(2023, 7, 9, tzinfo=UTC)) == "Juli 2023"
    assert (
        collection_window(datetime(2023, 12, 3, tzinfo=UTC), datetime(2024, 1, 9, tzinfo=UTC), " s.d ")
        == "Desember 2023 s.d Januari 2024"
    )
