"""Report jobs through the web pages (Celery eager, as `make run`), their access and their files.

In eager mode a job runs in a thread beside the request that started it (it reads what the test
committed): the tests are transactional and wait for the job to finish."""

import io
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import FrontMatter, HistoricalIkm, ReportJob
from reports.services import report_generation
from tests.conftest import import_rows, response_row
from tests.factories import ReportJobFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def period_2023_s2(reference_units, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        response_row(kode_unit="UPP017", u2="3", saran='=HYPERLINK("http://jahat.example","klik")'),
        response_row(kode_unit="UPP017", u2="2", saran="+62 812 lapor"),
        response_row(kode_unit="UPP001"),
    ]
    return import_rows(tmp_path, rows)


def start(client, **data):
    response = client.post(reverse("reports:reports"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReportJob.objects.latest("pk")


def finished(job: ReportJob, seconds: float = 120) -> ReportJob:
    """The job once its thread is done with it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in ("done", "failed"):
            return job
        time.sleep(0.05)
    pytest.fail(f"job {job.pk} still {job.state} after {seconds} s")


def test_the_city_recap_is_made_followed_and_downloaded(city_admin, period_2023_s2):
    job = finished(start(city_admin, kind="city_xlsx", period="2023-S2", public_edition="on"))
    status = city_admin.get(reverse("reports:job_status", args=[job.pk])).json()
    assert (status["state"], status["percent"]) == ("done", 100)
    assert status["download"] == reverse("reports:job_download", args=[job.pk])
    download = city_admin.get(status["download"])
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames[:1] == ["Rekap"] and "Rencana Tindak Lanjut" in workbook.sheetnames
    rekap = workbook["Rekap"]
    ikm = next(row[13] for row in rekap.iter_rows(min_row=2) if row[2].value == "UPP001")
    assert ikm.value == 100.0 and ikm.data_type == "n"
    page = city_admin.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert 'id="job-bar"' in page and "100%" in page


def test_raw_responses_keep_formula_like_text_as_text(unit_admin, period_2023_s2):
    job = finished(start(unit_admin, kind="raw_xlsx", period="2023-S2", unit="UPP017"))
    assert job.state == "done", job.error
    sheet = load_workbook(job.file.path).active
    header = [c.value for c in sheet[1]]
    assert "client_hash" not in header and header[:3] == ["id", "kode_unit", "nama_unit"]
    saran = {row[header.index("saran")].value: row[header.index("saran")] for row in sheet.iter_rows(min_row=2)}
    assert len(saran) == 2  # only UPP017's responses
    formula = saran['=HYPERLINK("http://jahat.example","klik")']
    assert formula.data_type == "s"
    assert saran["+62 812 lapor"].data_type == "s"


def test_a_unit_admin_makes_only_documents_of_its_units(unit_admin, city_admin, period_2023_s2):
    response = unit_admin.post(reverse("reports:reports"), {"kind": "city_pdf", "period": "2023-S2"})
    assert response.status_code == 200 and not ReportJob.objects.exists()  # not a choice for a unit admin
    response = unit_admin.post(reverse("reports:reports"), {"kind": "raw_xlsx", "period": "2023-S2", "unit": "UPP001"})
    assert response.status_code == 200 and not ReportJob.objects.exists()
    city_job = finished(start(city_admin, kind="city_xlsx", period="2023-S2"))
    for name in ("reports:job", "reports:job_status", "reports:job_download"):
        assert unit_admin.get(reverse(name, args=[city_job.pk])).status_code == 404
    assert unit_admin.post(reverse("reports:job_retry", args=[city_job.pk])).status_code == 404
    assert Client().get(reverse("reports:job_download", args=[city_job.pk])).status_code == 302  # to the login


def test_a_stale_running_job_is_marked_failed(city_admin, period_2023_s2, settings):
    settings.SKM_REPORT_STALE_SECONDS = 60
    job = ReportJobFactory(
        kind="city_pdf", period=period_2023_s2, state="running", heartbeat=timezone.now() - timedelta(minutes=5)
    )
    status = city_admin.get(reverse("reports:job_status", args=[job.pk])).json()
    assert status["state"] == "failed" and "Coba lagi" in status["error"]
    page = city_admin.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "Coba lagi" in page


def test_a_failing_report_records_its_error(city_admin, period_2023_s2, monkeypatch):
    def broken(job, *, progress):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(report_generation, "report_content", broken)
    job = finished(start(city_admin, kind="city_xlsx", period="2023-S2"))
    assert job.state == "failed" and "disk penuh" in job.error


def test_the_report_page_says_when_the_generator_is_unavailable(city_admin, period_2023_s2, broker_unreachable):
    page = city_admin.get(reverse("reports:reports"))
    assert page.status_code == 200
    assert 'id="generator-unavailable"' in page.content.decode()


def test_front_matter_and_history_are_edited_by_the_city_admin(city_admin, unit_admin, period_2023_s2):
    url = reverse("reports:front_matter", args=["2023-S2"])
    form = city_admin.get(url).context["form"]
    assert form.initial["penandatangan_nama"].startswith("H. ACHMAD AFZAN")
    data = {k: v for k, v in form.initial.items() if k not in ("id", "period") and v is not None}
    data.update(tanggal="2024-01-31", penandatangan_nama="Dr. Contoh, M.Si.")
    assert city_admin.post(url, data).status_code == 302
    assert FrontMatter.objects.get(period=period_2023_s2).penandatangan_nama == "Dr. Contoh, M.Si."
    assert unit_admin.get(url).status_code == 404
    city_admin.post(reverse("reports:history"), {"tahun": "2018", "semester": "", "ikm": "82.50"})
    assert list(HistoricalIkm.objects.values_list("label", "ikm")) == [("2018", Decimal("82.50"))]
    refused = city_admin.post(reverse("reports:history"), {"tahun": "2019", "semester": "", "ikm": "101"})
    assert refused.status_code == 200 and "ikm" in refused.context["form"].errors
    assert HistoricalIkm.objects.count() == 1
    assert city_admin.post(reverse("reports:history"), {"hapus": "abc"}).status_code == 404
