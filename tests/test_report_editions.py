"""The semester report as the Bagian Organisasi makes it: editions named at a glance, the progress page
at once without a broker, the history entered by period, and an Excel recap ready to filter."""

import importlib
import io
import time
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import FrontMatter, HistoricalIkm, ReportJob
from reports.pdf.trend import city_trend
from reports.services.report_texts import historical_ikm_add
from tests.conftest import import_rows, pdf_text, response_row
from tests.factories import PrioritasFactory, TindakLanjutFactory
from tests.test_report_jobs import finished
from units.models import AuditEvent, Unit

pytestmark = pytest.mark.django_db(transaction=True)  # eager jobs run in a thread: it reads what the test commits


@pytest.fixture
def period_2023_s2(reference_units, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        response_row(kode_unit="UPP017", u2="3", saran='=HYPERLINK("http://jahat.example","klik")'),
        response_row(kode_unit="UPP017", u2="2", saran="@SUM(A1)"),
        response_row(kode_unit="UPP001", u3="2"),
    ]
    period = import_rows(tmp_path, rows)
    FrontMatter.objects.create(period=period, kota="Kota Contoh Raya")
    return period


def make(client, **data) -> ReportJob:
    response = client.post(reverse("reports:reports"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReportJob.objects.latest("pk")


def download(client, job: ReportJob):
    response = client.get(reverse("reports:job_download", args=[job.pk]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_the_post_answers_with_the_progress_page_before_the_report_is_made(city_admin, period_2023_s2):
    started = time.monotonic()
    response = city_admin.post(
        reverse("reports:reports"), {"kind": "city_pdf", "period": "2023-S2", "public_edition": "on"}
    )
    answered_at = timezone.now()
    elapsed = time.monotonic() - started
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.pk])
    assert job.state in ("queued", "running")  # not made inside the request any more
    page = city_admin.get(response["Location"]).content.decode()
    assert 'id="job-bar"' in page and 'http-equiv="refresh"' in page  # follows the job, with or without JavaScript
    job = finished(job)
    assert job.state == "done", job.error
    assert job.finished_at > answered_at  # made after the answer was sent
    assert elapsed < (job.finished_at - job.created_at).total_seconds()
    page = city_admin.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page and "Unduh" in page


def test_files_are_named_by_city_period_unit_and_edition(city_admin, unit_admin, period_2023_s2):
    public = finished(make(city_admin, kind="city_pdf", period="2023-S2", public_edition="on"))
    response, pdf = download(city_admin, public)
    assert pdf.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="laporan-skm-kota-contoh-raya-2023-S2-publik.pdf"'
    assert public.file.name == f"laporan/{public.pk}/laporan-skm-kota-contoh-raya-2023-S2-publik.pdf"

    recaps = [finished(make(city_admin, kind="city_xlsx", period="2023-S2")) for _ in range(2)]
    names = {download(city_admin, job)[0]["Content-Disposition"] for job in recaps}
    assert names == {'attachment; filename="rekap-skm-kota-contoh-raya-2023-S2-internal.xlsx"'}
    assert recaps[0].file.name != recaps[1].file.name  # stored apart, downloaded under one clean name
    assert all(job.file.name.endswith("/rekap-skm-kota-contoh-raya-2023-S2-internal.xlsx") for job in recaps)

    raw = finished(make(unit_admin, kind="raw_xlsx", period="2023-S2", unit="UPP017", public_edition="on"))
    response, _content = download(unit_admin, raw)
    assert response["Content-Disposition"].endswith(
        'filename="respons-skm-kota-contoh-raya-2023-S2-UPP017-internal.xlsx"'
    )
    unit = finished(make(unit_admin, kind="unit_pdf", period="2023-S2", unit="UPP017"))
    assert download(unit_admin, unit)[0]["Content-Disposition"].endswith(
        'filename="laporan-skm-kota-contoh-raya-2023-S2-UPP017-publik.pdf"'
    )


def test_the_internal_edition_needs_a_confirmation_and_shows_in_the_list(city_admin, period_2023_s2):
    refused = city_admin.post(reverse("reports:reports"), {"kind": "city_pdf", "period": "2023-S2"})
    assert refused.status_code == 200 and not ReportJob.objects.exists()
    assert "confirm_internal" in refused.context["form"].errors
    assert "Saya mengerti edisi internal memuat nama unit bermasalah" in refused.content.decode()
    job = finished(make(city_admin, kind="city_pdf", period="2023-S2", confirm_internal="on"))
    assert job.state == "done" and not job.public_edition
    assert download(city_admin, job)[0]["Content-Disposition"].endswith('-2023-S2-internal.pdf"')
    public = finished(make(city_admin, kind="city_pdf", period="2023-S2", public_edition="on"))
    listing = city_admin.get(reverse("reports:reports")).content.decode()
    rows = listing.split("<tbody>", 1)[1].split("</tr>")
    assert 'edition">internal</span>' in rows[1] and 'edition">publik</span>' in rows[0]  # newest first
    assert public.public_edition
    # A retry keeps the confirmed edition.
    retried = city_admin.post(reverse("reports:job_retry", args=[job.pk]))
    again = ReportJob.objects.latest("pk")
    assert retried["Location"] == reverse("reports:job", args=[again.pk]) and not again.public_edition
    finished(again)


def test_history_is_entered_by_year_and_semester_and_ordered_by_it(city_admin, period_2023_s2):
    url = reverse("reports:history")
    page = city_admin.get(url).content.decode()
    assert 'name="urutan"' not in page and 'name="tahun"' in page and 'name="semester"' in page
    for tahun, semester, ikm in (("2022", "2", "86.10"), ("2018", "", "82.50"), ("2022", "1", "85.00")):
        assert city_admin.post(url, {"tahun": tahun, "semester": semester, "ikm": ikm}).status_code == 302
    assert list(HistoricalIkm.objects.values_list("label", "urutan")) == [
        ("2018", 201800),
        ("2022-S1", 202201),
        ("2022-S2", 202202),
    ]
    again = city_admin.post(url, {"tahun": "2022", "semester": "1", "ikm": "80"})
    assert again.status_code == 200 and "2022-S1 sudah diisi" in again.content.decode()
    future = city_admin.post(url, {"tahun": str(timezone.localdate().year + 1), "semester": "", "ikm": "80"})
    assert future.status_code == 200 and "tahun" in future.context["form"].errors
    bad = city_admin.post(url, {"tahun": "dua ribu", "semester": "3", "ikm": "80"})
    assert bad.status_code == 200 and {"tahun", "semester"} <= set(bad.context["form"].errors)
    assert HistoricalIkm.objects.count() == 3
    labels = [point.label for point in city_trend(period_2023_s2, None)]
    assert labels == ["2018", "2022-S1", "2022-S2"]


def test_the_migration_orders_earlier_points_by_their_label(db):
    HistoricalIkm.objects.create(label="2019", urutan=7, ikm="80.00")
    HistoricalIkm.objects.create(label="2020-S2", urutan=3, ikm="81.00")
    HistoricalIkm.objects.create(label="lama", urutan=5, ikm="79.00")
    importlib.import_module("reports.migrations.0009_history_order_report_file_names").order_from_labels(apps, None)
    assert dict(HistoricalIkm.objects.values_list("label", "urutan")) == {"2019": 201900, "2020-S2": 202002, "lama": 5}


def test_the_excel_recap_is_ready_to_filter_and_names_priorities(city_admin, period_2023_s2):
    prioritas = PrioritasFactory(unit=Unit.objects.get(kode="UPP017"), period=period_2023_s2, unsur_kode="U2")
    TindakLanjutFactory(prioritas=prioritas, teks='=HYPERLINK("http://jahat.example","klik")', penanggung_jawab="@x")
    job = finished(make(city_admin, kind="city_xlsx", period="2023-S2"))
    workbook = load_workbook(io.BytesIO(download(city_admin, job)[1]))
    for sheet in workbook.worksheets:
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet.freeze_panes in ("A2", "C2"), sheet.title
        assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("DDEBF7"), sheet.title
    rekap = workbook["Rekap"]
    header = [c.value for c in rekap[1]]
    last_column = rekap.cell(1, len(header)).column_letter
    assert rekap.auto_filter.ref == f"A1:{last_column}{rekap.max_row - 1}"  # the units, not the city row
    priorities = {
        row[2].value: row[header.index("Unsur Prioritas Perbaikan")].value for row in rekap.iter_rows(min_row=2)
    }
    assert priorities["UPP017"] == "Prosedur"
    assert "Waktu Pelayanan" in priorities["UPP001"]
    assert not any(code in (text or "") for text in priorities.values() for code in ("U1", "U2", "U3", "U9"))
    rencana = workbook["Rencana Tindak Lanjut"]
    assert rencana.auto_filter.ref == "A1:J2"
    plan = {c.value: rencana.cell(row=2, column=i + 1) for i, c in enumerate(rencana[1])}
    assert (
        plan["Rencana Tindak Lanjut"].value.startswith("=HYPERLINK") and plan["Rencana Tindak Lanjut"].data_type == "s"
    )
    assert plan["Penanggung Jawab"].data_type == "s"
    assert all(plan[title].alignment.wrap_text for title in ("Unit", "Unsur Prioritas", "Rencana Tindak Lanjut"))
    assert workbook["Usia"].auto_filter.ref.startswith("A1:C")


def test_the_raw_responses_sheet_looks_like_the_others(unit_admin, period_2023_s2):
    job = finished(make(unit_admin, kind="raw_xlsx", period="2023-S2", unit="UPP017"))
    sheet = load_workbook(io.BytesIO(download(unit_admin, job)[1]))["Respons"]
    header = [c.value for c in sheet[1]]
    assert all(cell.font.b and cell.fill.fgColor.rgb.endswith("DDEBF7") for cell in sheet[1])
    assert sheet.freeze_panes == "D2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}3"
    assert (
        sheet.column_dimensions["C"].width == 40
        and sheet.column_dimensions[sheet.cell(1, header.index("saran") + 1).column_letter].width == 60
    )
    saran = [row[header.index("saran")] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in saran} == {'=HYPERLINK("http://jahat.example","klik")', "@SUM(A1)"}
    assert all(cell.data_type == "s" for cell in saran)
    assert sheet.cell(2, header.index("tanggal") + 1).number_format == "DD/MM/YYYY HH:MM"


def test_with_a_broker_the_job_is_queued_not_run_in_the_web_process(city_admin, period_2023_s2, broker_unreachable):
    job = make(city_admin, kind="city_xlsx", period="2023-S2")
    job.refresh_from_db()  # the broker refused the message at once: no thread made it
    assert job.state == "failed" and "Coba lagi nanti" in job.error and not job.file


def test_a_unit_admin_is_not_asked_for_an_edition(unit_admin, period_2023_s2):
    page = unit_admin.get(reverse("reports:reports")).content.decode()
    assert 'name="public_edition"' not in page and 'name="confirm_internal"' not in page
    job = finished(make(unit_admin, kind="unit_pdf", period="2023-S2", unit="UPP017"))
    assert job.state == "done" and job.public_edition
    # Named public, and public inside: no respondent's suggestion in it.
    with job.file.open("rb") as stored:
        words = pdf_text(stored.read())
    assert "UPP017" in words and "SUM(A1)" not in words and "jahat.example" not in words


def test_a_history_point_sent_twice_is_stored_once(city_admin):
    for _ in range(2):  # two posts that both passed the form's check before either was stored
        historical_ikm_add(tahun=2021, semester=None, ikm=Decimal("83.00"), user=city_admin.user)
    assert list(HistoricalIkm.objects.values_list("label", "urutan", "ikm")) == [("2021", 202100, Decimal("83.00"))]
    assert AuditEvent.objects.filter(action="riwayat_ikm").count() == 1
