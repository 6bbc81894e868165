"""The city PDF the city would sign: an annex whose links work for anyone, a date of signature that
belongs to the period, a draft mark on every page while the period is open, and a trend sentence
written from the figures."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from reports.exceptions import SignatureMissing
from reports.models import FrontMatter, PeriodSnapshot
from reports.pdf.city import city_report_pdf
from reports.pdf.trend import TrendPoint, trend_sentence, trend_shape
from reports.pdf.unit import unit_report_pdf
from reports.selectors.verification import period_verify
from reports.services.locking import period_lock
from reports.tanggal import tanggal_indonesia
from surveys.models import Period
from tests.conftest import import_rows, logged_in, missing_tool, pdf_text, response_row
from tests.factories import CityAdminFactory, PeriodFactory, PrioritasFactory, TindakLanjutFactory
from units.models import Unit

pytestmark = pytest.mark.django_db

SITE = "https://skm.contoh.go.id"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SIGNED = date(2024, 1, 31)


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    return pdf_text(data).split("\f")[:-1]


def link_annotations(data: bytes, tmp_path: Path) -> list[str]:
    """The URIs of the PDF's link annotations, as poppler reads them (`pdfinfo -url`)."""
    path = tmp_path / "links.pdf"
    path.write_bytes(data)
    try:
        out = subprocess.run(["pdfinfo", "-url", str(path)], check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        missing_tool("pdfinfo is not installed (apt-get install poppler-utils)", ".ci/run must install poppler-utils")
    # "Page  Type          URL" then one line per link: page number, "Annotation", the URI.
    return [line.split()[2] for line in out.splitlines()[1:] if line.split()[1:2] == ["Annotation"]]


@pytest.fixture
def period(reference_units, tmp_path, settings):
    """2023-S2 with responses of UPP016 (with a private suggestion) and UPP017, open; 2023-S1 locked before
    it, where UPP016 planned two actions realized during 2023-S2, one with public evidence, one private."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SKM_SITE_URL = SITE
    earlier = PeriodFactory(kode="2023-S1", status=Period.Status.LOCKED)
    prioritas = PrioritasFactory(unit=Unit.objects.get(kode="UPP016"), period=earlier, unsur_kode="U3")
    TindakLanjutFactory(
        prioritas=prioritas,
        teks="Menambah loket antrean",
        progres=80,
        bukti_publik=True,
        bukti_file=SimpleUploadedFile("foto-loket.pdf", PDF),
    )
    TindakLanjutFactory(
        prioritas=prioritas,
        teks="Pelatihan petugas",
        progres=40,
        bukti_publik=False,
        bukti_tautan="https://intra.contoh.go.id/daftar-hadir-rahasia",
    )
    rows = [response_row(kode_unit="UPP016", umur=str(20 + i), saran="Rahasia: nomor HP saya 0812") for i in range(3)]
    rows += [response_row(kode_unit="UPP017", u1="2", tanggal="2023-09-01 10:00")]
    return import_rows(tmp_path, rows)


def signed_and_locked(period: Period) -> Period:
    FrontMatter.objects.update_or_create(period=period, defaults={"tempat": "Pekalongan", "tanggal": SIGNED})
    return period_lock(kode=period.kode)


# --- (1) the annex links each unit's public reports, which open without login -------------------------


def test_the_annex_links_every_unit_to_public_reports_that_open_without_login(period, tmp_path, client):
    locked = signed_and_locked(period)
    data = city_report_pdf(period=locked)
    links = link_annotations(data, tmp_path)
    portal = [url for url in links if url.startswith(SITE + "/hasil/2023-S2/unit/")]
    expected = {
        f"{SITE}/hasil/2023-S2/unit/{kode}/{kind}.pdf"
        for kode in ("UPP016", "UPP017")
        for kind in ("laporan", "realisasi")
    }
    assert sorted(portal) == sorted(expected), links  # one of each per unit
    (bukti,) = [url for url in links if url.startswith(SITE + "/hasil/bukti/")]  # the public evidence only
    assert client.get(urlsplit(bukti).path).status_code == 200
    assert not any(url.startswith("/") for url in links)  # nothing relative, nothing behind /kelola/
    assert "https://intra.contoh.go.id/daftar-hadir-rahasia" not in links  # private evidence stays out
    words = flat(pdf_text(data))
    assert "/kelola/laporan/unit/" not in words and f"{SITE}/hasil/2023-S2/unit/UPP016/laporan.pdf" in words.replace(
        " ", ""
    )

    for url in sorted(expected):
        response = client.get(urlsplit(url).path)  # logged out
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        text = flat(pdf_text(response.content))
        assert "Rahasia" not in text and "nomor HP" not in text, url  # never a suggestion
        assert "daftar-hadir-rahasia" not in text
        assert "DRAF" not in text and "Data final: periode dikunci pada" in text
    report = flat(pdf_text(client.get("/hasil/2023-S2/unit/UPP016/laporan.pdf").content))
    assert Unit.objects.get(kode="UPP016").nama in report and "Saran dan masukan" not in report
    realisasi = flat(pdf_text(client.get("/hasil/2023-S2/unit/UPP016/realisasi.pdf").content))
    assert "Menambah loket antrean" in realisasi and "80%" in realisasi and "60,00%" in realisasi
    assert "Bukti:" in realisasi and "Semester I Tahun 2023" in realisasi
    # The public evidence file is linked where anyone may open it.
    realisasi_links = link_annotations(client.get("/hasil/2023-S2/unit/UPP016/realisasi.pdf").content, tmp_path)
    (bukti,) = [url for url in realisasi_links if "/hasil/bukti/" in url]
    assert bukti.startswith(SITE) and client.get(urlsplit(bukti).path).status_code == 200

    # The staff edition keeps the suggestions.
    staff = flat(pdf_text(unit_report_pdf(unit=Unit.objects.get(kode="UPP016"), period=locked)))
    assert "Rahasia: nomor HP saya 0812" in staff


def test_the_public_unit_reports_of_an_open_period_or_unknown_unit_are_404(period, client):
    for path in (
        "/hasil/2023-S2/unit/UPP016/laporan.pdf",
        "/hasil/2023-S2/unit/UPP016/realisasi.pdf",
        "/hasil/2031-S1/unit/UPP016/laporan.pdf",
    ):
        assert client.get(path).status_code == 404, path
    signed_and_locked(period)
    assert client.get("/hasil/2023-S2/unit/TIDAKADA/laporan.pdf").status_code == 404


def test_one_client_may_have_only_so_many_public_pdfs_made_an_hour(period, client, settings):
    # Each PDF made costs a worker a second or more: a crawler of every unit's address is refused,
    # while a PDF already made is served to anyone, and other clients keep their own allowance.
    settings.SKM_PUBLIC_PDFS_PER_HOUR = 2
    signed_and_locked(period)
    first, second = "/hasil/2023-S2/unit/UPP016/laporan.pdf", "/hasil/2023-S2/unit/UPP016/realisasi.pdf"
    assert [client.get(path).status_code for path in (first, second)] == [200, 200]
    refused = client.get("/hasil/2023-S2/unit/UPP017/laporan.pdf")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "Terlalu banyak laporan diminta" in refused.content.decode()
    assert Unit.objects.get(kode="UPP017").nama in refused.content.decode()
    again = client.get(first)  # already made: no new work, no token
    assert again.status_code == 200 and again["Content-Type"] == "application/pdf"
    # Kept on disk: another worker process (another cache object on the same folder) serves it too.
    other_worker = FileBasedCache(settings.CACHES["documents"]["LOCATION"], {})
    unit = Unit.objects.get(kode="UPP016")
    assert other_worker.get(f"public-pdf:laporan:{period.pk}:{unit.pk}") == again.content
    # Named as every report file is: kind, city, period, unit, edition.
    assert again["Content-Disposition"] == 'inline; filename="laporan-skm-kota-pekalongan-2023-S2-UPP016-publik.pdf"'
    realisasi = client.get(second)["Content-Disposition"]
    assert realisasi == 'inline; filename="realisasi-skm-kota-pekalongan-2023-S2-UPP016.pdf"'
    staff_copy = logged_in(CityAdminFactory()).get("/kelola/laporan/unit/UPP016/2023-S2/")
    assert (
        staff_copy["Content-Disposition"]
        == 'inline; filename="laporan-skm-kota-pekalongan-2023-S2-UPP016-internal.pdf"'
    )
    other = client.get("/hasil/2023-S2/unit/UPP017/realisasi.pdf", REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200 and other.content.startswith(b"%PDF")
    staff = logged_in(CityAdminFactory())  # from the same address, signed in: not limited
    assert staff.get("/hasil/2023-S2/unit/UPP017/laporan.pdf").status_code == 200


# --- (2) dates that belong to the period; drafts say so --------------------------------------------------


def test_the_city_pdf_is_signed_with_the_periods_date_not_today(period):
    locked = signed_and_locked(period)
    words = flat(pdf_text(city_report_pdf(period=locked)))
    assert words.count("Pekalongan, 31 Januari 2024") == 2  # foreword and BAB V
    assert tanggal_indonesia(timezone.localdate()) not in words
    assert "DRAF" not in words


def test_the_pdfs_of_an_open_period_say_draft_on_every_page(period):
    FrontMatter.objects.create(period=period, tanggal=SIGNED)
    city = pdf_pages(city_report_pdf(period=period))
    assert len(city) > 5
    for number, page in enumerate(city, start=1):
        assert "DRAF — data sementara" in page, number
    unit = pdf_pages(unit_report_pdf(unit=Unit.objects.get(kode="UPP016"), period=period))
    assert all("DRAF — data sementara" in page for page in unit)
    # Without a date a draft leaves the signature's date blank: never the day the file is made.
    FrontMatter.objects.filter(period=period).update(tanggal=None)
    words = flat(pdf_text(city_report_pdf(period=period)))
    assert tanggal_indonesia(timezone.localdate()) not in words and "Pekalongan, ……" in words


def test_a_period_locked_without_its_signature_date_asks_for_it_once(period, tmp_path):
    locked = period_lock(kode=period.kode)  # the words' default place, no date
    with pytest.raises(SignatureMissing, match="tempat dan tanggal"):
        city_report_pdf(period=locked)
    with pytest.raises(CommandError, match="/kelola/laporan/pengantar/2023-S2/"):
        call_command("skm_report", "--period", "2023-S2", "--format", "pdf", "--output", str(tmp_path / "k.pdf"))

    # The report form refuses with a link to the page where the date is set.
    admin = logged_in(CityAdminFactory())
    front_matter_url = reverse("reports:front_matter", args=["2023-S2"])
    page = admin.post(reverse("reports:reports"), {"kind": "city_pdf", "period": "2023-S2", "public_edition": "on"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<a href="{front_matter_url}">Isi tempat dan tanggal penandatanganan</a>' in html
    assert "belum diisi" in html

    # The texts page asks for the place and date; a date before the period is refused.
    html = admin.get(front_matter_url).content.decode()
    assert 'id="signature-form"' in html and 'id="texts-locked"' in html
    refused = admin.post(front_matter_url, {"tempat": "Pekalongan", "tanggal": "2023-06-30"})
    assert refused.status_code == 200 and "lebih awal dari awal periode" in refused.content.decode()
    assert admin.post(front_matter_url, {"tempat": "Pekalongan", "tanggal": "2024-01-31"}).status_code == 302
    snapshot = PeriodSnapshot.objects.get(period=locked)
    assert snapshot.front_matter["tanggal"] == "2024-01-31"
    assert period_verify(locked).ok  # the texts and the snapshot agree
    assert "Pekalongan, 31 Januari 2024" in flat(pdf_text(city_report_pdf(period=locked)))

    # Set once: then it is as final as the other words.
    html = admin.get(front_matter_url).content.decode()
    assert 'id="signature-form"' not in html
    admin.post(front_matter_url, {"tempat": "Batang", "tanggal": "2025-01-01"})
    assert PeriodSnapshot.objects.get(period=locked).front_matter["tanggal"] == "2024-01-31"


def test_dashboards_mark_an_open_periods_figures_as_draft(period):
    admin = logged_in(CityAdminFactory())
    for url in (
        reverse("reports:city_dashboard") + "?periode=2023-S2",
        reverse("reports:unit_dashboard", args=["UPP016"]) + "?periode=2023-S2",
    ):
        assert "DRAF — data sementara" in admin.get(url).content.decode(), url
    signed_and_locked(period)
    for url in (
        reverse("reports:city_dashboard") + "?periode=2023-S2",
        reverse("reports:unit_dashboard", args=["UPP016"]) + "?periode=2023-S2",
        reverse("public_results_period", args=["2023-S2"]),
    ):
        assert "DRAF" not in admin.get(url).content.decode(), url


# --- (3) the trend sentence is written from the figures -------------------------------------------------


def points(*pairs) -> list[TrendPoint]:
    return [TrendPoint(label, Fraction(Decimal(value))) for label, value in pairs]


def test_the_trend_sentence_follows_the_figures():
    rising = points(("2021", "84.12"), ("2022", "88.00"), ("2023-S2", "90.69"))
    sentence = trend_sentence(rising, "Kota Pekalongan")
    assert "terus meningkat dari 2021 hingga 2023-S2" in sentence
    assert "dari 84,12 (2021) menjadi 90,69 (2023-S2)" in sentence and "naik 2,69 poin" in sentence

    falling = points(("2022-S2", "91.10"), ("2023-S1", "90.00"), ("2023-S2", "88.50"))
    sentence = trend_sentence(falling, "Kota Pekalongan")
    assert "terus menurun" in sentence and "turun 1,50 poin dibandingkan periode 2023-S1" in sentence

    stable = points(("2023-S1", "90.001"), ("2023-S2", "89.998"))  # both print as 90,00
    assert trend_shape(stable) == "stabil dari 2023-S1 hingga 2023-S2"
    sentence = trend_sentence(stable, "Kota Pekalongan")
    assert "stabil" in sentence and "pada nilai 90,00" in sentence and "sama dengan periode 2023-S1" in sentence

    wavy = points(("2018", "84.12"), ("2022", "91.10"), ("2023-S2", "90.69"))
    sentence = trend_sentence(wavy, "Kota Pekalongan")
    assert "mengalami fluktuasi" in sentence
    assert "terendah 84,12 (2018) dan tertinggi 91,10 (2022)" in sentence and "turun 0,41 poin" in sentence

    assert "90,69" in trend_sentence(points(("2023-S2", "90.69")), "Kota Pekalongan")
