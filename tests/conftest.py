from __future__ import annotations

import csv
import importlib
import io
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import NoReturn

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import sync_playwright

from skm_portal.celery import app
from surveys.models import Period, Unsur
from surveys.semesters import semester_code
from surveys.services.periods import period_open
from tests.factories import CityAdminFactory, UnitAdminFactory
from units.models import JenisLayanan, Unit

REFERENCE_UNITS = Path(__file__).resolve().parent.parent / "reports" / "demo" / "data" / "upp-pekalongan.csv"
RESPONSE_HEADER = [
    "kode_unit",
    "tanggal",
    "umur",
    "jenis_kelamin",
    "pendidikan",
    "pekerjaan",
    "jenis_layanan",
    *[f"u{k}" for k in range(1, 10)],
    "saran",
]


def response_row(**overrides: str) -> dict[str, str]:
    """A valid response row of period 2023-S2; keyword arguments replace columns."""
    row = {
        "kode_unit": "UPP001",
        "tanggal": "2023-08-01 09:30",
        "umur": "34",
        "jenis_kelamin": "P",
        "pendidikan": "S1",
        "pekerjaan": "KARYAWAN",
        "jenis_layanan": "Layanan Umum",
        **{f"u{k}": "4" for k in range(1, 10)},
        "saran": "",
    }
    row.update(overrides)
    return row


def questionnaire_url(kode: str = "UPP016") -> str:
    return reverse("surveys:questionnaire", args=[kode])


def questionnaire_answers(**overrides) -> dict[str, str]:
    """A valid post of the public questionnaire of UPP016 (see `open_period`); keyword arguments
    replace fields, None leaves one out."""
    data = {
        "umur": "27",
        "jenis_kelamin": "L",
        "pendidikan": "SMA/SMK/SEDERAJAT",
        "pekerjaan": "WIRASWASTA",
        "jenis_layanan": "KTP elektronik",
        "saran": "Antrian sudah tertib.",
        "submission_id": str(uuid.uuid4()),
        **{f"u{k}": str(1 + k % 4) for k in range(1, 10)},
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def write_csv(
    path: Path, rows: list[dict[str, str]], header: list[str] | None = None, encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or RESPONSE_HEADER, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[dict[str, object]], header: list[str] | None = None) -> Path:
    header = header or RESPONSE_HEADER
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    workbook.save(path)
    return path


def import_rows(tmp_path: Path, rows: list[dict[str, str]], period: str = "2023-S2", name: str = "r.csv") -> Period:
    """Import response rows (see response_row) into `period` through the import command, as a CSV file."""
    call_command("import_responses", str(write_csv(tmp_path / name, rows)), "--period", period, stdout=io.StringIO())
    return Period.objects.get(kode=period)


def missing_tool(local: str, ci: str) -> NoReturn:
    """A tool the test needs is not installed: skipped on a developer's machine, a failure in CI
    (.ci/run sets CI and installs every tool)."""
    if os.environ.get("CI"):
        pytest.fail(ci)
    pytest.skip(local)


def pdf_text(pdf: Path | bytes, *, layout: bool = False) -> str:
    """The text of a PDF file or of PDF bytes, by poppler's pdftotext (`-layout` with layout=True)."""
    if shutil.which("pdftotext") is None:
        missing_tool(
            "pdftotext is not installed (apt-get install poppler-utils)",
            ".ci/run must install poppler-utils for the tests that read PDFs back",
        )
    data = pdf if isinstance(pdf, bytes) else None
    command = ["pdftotext", *(["-layout"] if layout else []), "-" if data is not None else str(pdf), "-"]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode("utf-8")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches: database ids repeat from test to test."""
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def reference_units(db):
    call_command("import_units", str(REFERENCE_UNITS), stdout=io.StringIO())


def logged_in(user) -> Client:
    """A test client of its own, logged in as `user`, who is `client.user`."""
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def city_admin(db) -> Client:
    """Logged in as a city administrator (Bagian Organisasi), named as in the audit trail."""
    return logged_in(CityAdminFactory(username="organisasi"))


@pytest.fixture
def unit_admin(reference_units) -> Client:
    """Logged in as the administrator of Dinas Kesehatan (UPP017), who reaches its 14 Puskesmas."""
    return logged_in(UnitAdminFactory(user__username="dinkes", unit__kode="UPP017").user)


@pytest.fixture
def other_unit_admin(reference_units) -> Client:
    """Logged in as the administrator of BKPSDM (UPP001) only: an outsider to Dinas Kesehatan."""
    return logged_in(UnitAdminFactory(user__username="bkpsdm", unit__kode="UPP001").user)


DB_FIXTURES = {"db", "transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def migration_data(request):
    """The rows the data migrations load (the nine unsur, the action catalog), in every test that
    uses the database: a transactional test ends by flushing every table, and with tests spread
    over processes, any test may come after one."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not DB_FIXTURES & set(request.fixturenames):
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (DB_FIXTURES - {"db"}) & set(
        request.fixturenames
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not Unsur.objects.exists():
        importlib.import_module("surveys.migrations.0003_unsur_defaults").load_unsur(apps, None)
        importlib.import_module("reports.migrations.0002_katalog_tindak_lanjut").load_katalog(apps, None)


@pytest.fixture
def open_period(reference_units):
    """The semester of today, open, with two service types for UPP016."""
    period = period_open(kode=semester_code(timezone.localdate()))
    unit = Unit.objects.get(kode="UPP016")
    JenisLayanan.objects.create(unit=unit, nama="KTP elektronik")
    JenisLayanan.objects.create(unit=unit, nama="Akta kelahiran")
    return period


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (`playwright install` cannot download a browser here)."""
    if not CHROMIUM.exists():
        missing_tool(
            "Debian's chromium is not installed (apt-get install chromium)",
            ".ci/run must install Debian's chromium for the browser tests",
        )
    # Playwright's sync API runs an event loop; the live server's database calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A page in a 360 px wide phone viewport, in Indonesian."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="id-ID", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def broker_unreachable(settings):
    """Celery configured for a Redis that does not answer (port 9 on loopback), as when Redis is down."""
    previous = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)
    yield
    app.conf.update(**previous)
