"""The civic loop: verifiable locked periods, the public "kami mendengar, kami bertindak" page, rollups."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from reports.models import FrontMatter, PeriodSnapshot
from reports.pdf.city import city_report_pdf
from reports.selectors.canonical_csv import CANONICAL_COLUMNS
from reports.selectors.results import city_result, unit_results
from reports.selectors.rollups import rollups
from reports.services.locking import period_lock
from surveys.models import Period, Response
from tests.conftest import import_rows, logged_in, pdf_text, response_row
from tests.factories import PrioritasFactory, TindakLanjutFactory, UnitAdminFactory
from units.models import Unit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def locked(reference_units, tmp_path):
    rows = [
        response_row(kode_unit="UPP016", umur=str(20 + i), saran="Rahasia: nomor HP saya 0812", u3="3")
        for i in range(4)
    ]
    rows += [response_row(kode_unit="UPP017", umur=str(30 + i), tanggal=f"2023-09-0{1 + i} 10:00") for i in range(3)]
    rows += [response_row(kode_unit="UPP033", umur="41", u1="2")]
    import_rows(tmp_path, rows)
    Response.objects.filter(unit__kode="UPP016").update(client_hash="f" * 64)
    FrontMatter.objects.create(period=Period.objects.get(kode="2023-S2"), tanggal=date(2024, 1, 31))
    return period_lock(kode="2023-S2")


def test_locking_stores_a_snapshot_whose_csv_is_canonical_and_anonymous(locked):
    snapshot = PeriodSnapshot.objects.get(period=locked)
    content = snapshot.csv_file.open("rb").read()
    assert hashlib.sha256(content).hexdigest() == snapshot.csv_sha256 and snapshot.rows == 8
    lines = content.decode("utf-8").split("\n")
    assert lines[0] == ",".join(CANONICAL_COLUMNS) and lines[-1] == ""
    # The day, not the time; the age band, not the age: nobody is re-identified from a row.
    assert lines[1] == "UPP016,2023-08-01,20-29,P,S1,KARYAWAN,Layanan Umum,4,4,3,4,4,4,4,4,4,import"
    assert len(set(lines[1:5])) == 1  # four respondents in their twenties, same answers: four equal rows
    assert [line.split(",")[0] for line in lines[1:-1]] == ["UPP016"] * 4 + ["UPP017"] * 3 + ["UPP033"]
    assert "Rahasia" not in content.decode() and "f" * 64 not in content.decode()
    assert set(snapshot.unit_sha256) == {"UPP016", "UPP017", "UPP033"}
    # Locking again changes nothing.
    period_lock(kode="2023-S2")
    assert PeriodSnapshot.objects.get(period=locked).csv_sha256 == snapshot.csv_sha256


def test_the_public_page_shows_the_hash_of_the_file_it_offers(locked, client):
    html = client.get(reverse("public_results_period", args=["2023-S2"])).content.decode()
    shown = html.split('class="sha256"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    download = client.get(reverse("public_responses_csv", args=["2023-S2"]))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == shown


def test_an_open_period_offers_no_csv(open_period, client):
    assert client.get(reverse("public_responses_csv", args=[open_period.kode])).status_code == 404


def test_verify_period_passes_untouched_and_names_the_unit_changed_after_locking(locked):
    out = io.StringIO()
    call_command("verify_period", "2023-S2", stdout=out)
    assert "8" in out.getvalue() and PeriodSnapshot.objects.get().csv_sha256 in out.getvalue()
    changed = Response.objects.filter(unit__kode="UPP017").order_by("pk").first()
    changed.u5 = 1
    changed.save(update_fields=["u5"])
    with pytest.raises(CommandError) as failure:  # manage.py exits with status 1
        call_command("verify_period", "2023-S2", stdout=io.StringIO())
    assert "UPP017" in str(failure.value) and "UPP016" not in str(failure.value)


def test_skm_report_on_a_locked_period_answers_from_the_snapshot(locked, tmp_path):
    output = tmp_path / "r.json"
    call_command(
        "skm_report", "--period", "2023-S2", "--format", "json", "--output", str(output), stdout=io.StringIO()
    )
    before = json.loads(output.read_text())
    Response.objects.filter(unit__kode="UPP017").update(u1=1)  # tampering after locking
    call_command(
        "skm_report", "--period", "2023-S2", "--format", "json", "--output", str(output), stdout=io.StringIO()
    )
    assert json.loads(output.read_text()) == before
    assert {u["code"]: u["ikm"] for u in before["units"]}["UPP017"] == 100.0


def test_a_parents_rollup_is_the_mean_of_its_children(reference_units, tmp_path):
    kelurahan = list(Unit.objects.filter(induk__kode="UPP033").order_by("kode")[:3])
    rows = [
        response_row(kode_unit=kelurahan[0].kode, u1="1"),
        response_row(kode_unit=kelurahan[0].kode, umur="50"),
        response_row(kode_unit=kelurahan[1].kode, u2="2", u3="3"),
    ]
    rows += [response_row(kode_unit="UPP033", u9="1")]  # the Kecamatan's own responses are not in its rollup
    period = import_rows(tmp_path, rows)
    (rollup,) = [r for r in rollups(period=period) if r.kode == "UPP033"]
    children = [r for r in unit_results(period=period, units=kelurahan) if r.respondents]
    assert rollup.result.ikm == (children[0].ikm + children[1].ikm) / 2
    assert rollup.result.unsur == city_result(children).unsur
    assert (rollup.result.units, rollup.children) == (2, Unit.objects.filter(induk__kode="UPP033").count())
    output = tmp_path / "r.json"
    call_command(
        "skm_report", "--period", "2023-S2", "--format", "json", "--output", str(output), stdout=io.StringIO()
    )
    data = json.loads(output.read_text())
    by_code = {r["code"]: r for r in data["rollups"]}
    assert set(by_code) == {"UPP017", "UPP032", "UPP033", "UPP034", "UPP035"}
    assert by_code["UPP033"]["ikm"] == float(round((children[0].ikm + children[1].ikm) / 2, 2))
    assert by_code["UPP033"]["units"] == 2 and "rata-rata tanpa bobot" in by_code["UPP033"]["method"]
    assert by_code["UPP017"]["ikm"] is None and by_code["UPP017"]["units"] == 0


def test_the_rollup_is_on_the_parents_dashboard_and_the_public_results(reference_units, tmp_path, client):
    kelurahan = Unit.objects.filter(induk__kode="UPP033").order_by("kode").first()
    import_rows(tmp_path, [response_row(kode_unit=kelurahan.kode, u1="2")])
    period_lock(kode="2023-S2")
    html = client.get(reverse("public_results_period", args=["2023-S2"])).content.decode()
    assert "rollup-row" in html and Unit.objects.get(kode="UPP033").nama in html
    staff = logged_in(UnitAdminFactory(unit__kode="UPP033").user)
    html = staff.get(reverse("reports:unit_dashboard", args=["UPP033"]), {"periode": "2023-S2"}).content.decode()
    assert 'id="rollup"' in html and kelurahan.nama in html


@pytest.fixture
def followed_up(locked):
    """UPP016's plan for 2023-S2, its realization recorded during 2024-S1: one action with public
    evidence, one with private evidence."""
    prioritas = PrioritasFactory(unit=Unit.objects.get(kode="UPP016"), period=locked, unsur_kode="U3")
    public = TindakLanjutFactory(
        prioritas=prioritas,
        teks="Menambah loket antrean",
        target=date(2024, 3, 31),
        penanggung_jawab="Kepala Seksi",
        progres=80,
        bukti_publik=True,
        bukti_file=SimpleUploadedFile("foto.pdf", PDF),
    )
    private = TindakLanjutFactory(
        prioritas=prioritas,
        teks="Pelatihan petugas",
        target=date(2024, 6, 30),
        penanggung_jawab="Sekretaris",
        progres=40,
        bukti_publik=False,
        bukti_file=SimpleUploadedFile("daftar-hadir.pdf", PDF),
    )
    return public, private


def test_the_public_followup_page_shows_plan_and_progress_and_no_private_evidence(followed_up, client):
    public, private = followed_up
    response = client.get(reverse("public_rencana", args=["2023-S2", "UPP016"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Menambah loket antrean" in html and "Pelatihan petugas" in html
    assert 'data-pct="80"' in html and 'data-pct="40"' in html
    assert "60,00%" in html  # the realization: mean progress
    assert reverse("public_bukti", args=[public.pk]) in html
    assert reverse("public_bukti", args=[private.pk]) not in html
    assert "Rahasia" not in html  # suggestions are never published
    assert client.get(reverse("public_bukti", args=[public.pk])).status_code == 200
    assert client.get(reverse("public_bukti", args=[private.pk])).status_code == 404


def test_the_followup_page_exists_only_for_locked_periods(open_period, client):
    assert client.get(reverse("public_rencana", args=[open_period.kode, "UPP016"])).status_code == 404


def test_the_thank_you_page_links_to_the_last_followup(followed_up, open_period, client):
    html = client.get(reverse("surveys:thanks", args=["UPP016"])).content.decode()
    assert reverse("public_rencana", args=["2023-S2", "UPP016"]) in html
    assert "tindak lanjut dari survei sebelumnya" in html.lower()


def test_the_city_pdf_prints_the_hash(locked):
    text = pdf_text(city_report_pdf(period=locked))
    assert PeriodSnapshot.objects.get().csv_sha256 in "".join(text.split())


def test_the_unit_chooses_which_evidence_is_public_when_recording_the_realization(followed_up, client):
    public, private = followed_up
    staff = logged_in(UnitAdminFactory(unit__kode="UPP016").user)
    url = reverse("reports:realisasi", args=[private.pk])
    response = staff.post(
        url, {"progres": "70", "bukti_publik": "on", "bukti_file": SimpleUploadedFile("foto.pdf", PDF)}
    )
    assert response.status_code == 302
    private.refresh_from_db()
    assert private.bukti_publik and private.progres == 70
    html = client.get(reverse("public_rencana", args=["2023-S2", "UPP016"])).content.decode()
    assert reverse("public_bukti", args=[private.pk]) in html
    staff.post(url, {"progres": "70"})  # unticked: private again
    private.refresh_from_db()
    assert not private.bukti_publik
    assert client.get(reverse("public_bukti", args=[private.pk])).status_code == 404
