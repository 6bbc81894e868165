from __future__ import annotations

import csv
import importlib
import io
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

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
    from openpyxl import Workbook

    header = header or RESPONSE_HEADER
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    workbook.save(path)
    return path


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: database ids repeat from test to test."""
    from django.core.cache import cache

    cache.clear()


def city_admin_client(username: str = "organisasi"):
    """A test client logged in as a new city administrator (Bagian Organisasi)."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from units.access import CITY_ADMIN_GROUP

    user = User.objects.create_user(username, password="rahasia-panjang-123")
    user.groups.add(Group.objects.get_or_create(name=CITY_ADMIN_GROUP)[0])
    client = Client()
    client.force_login(user)
    return client


def unit_admin_client(username: str, *kodes: str):
    """A test client logged in as a new administrator of the units `kodes`."""
    from django.contrib.auth.models import User
    from django.test import Client

    from units.models import Unit, UnitAdmin

    user = User.objects.create_user(username, password="rahasia-panjang-123")
    for kode in kodes:
        UnitAdmin.objects.create(user=user, unit=Unit.objects.get(kode=kode))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reference_units(db):
    call_command("import_units", str(REFERENCE_UNITS), stdout=io.StringIO())


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
    from surveys.models import Unsur

    if not Unsur.objects.exists():
        importlib.import_module("surveys.migrations.0003_unsur_defaults").load_unsur(apps, None)
        importlib.import_module("reports.migrations.0002_katalog_tindak_lanjut").load_katalog(apps, None)


@pytest.fixture
def open_period(reference_units):
    """The semester of today, open, with two service types for UPP016."""
    from django.utils import timezone

    from surveys.semesters import semester_code
    from surveys.services.periods import period_open
    from units.models import JenisLayanan, Unit

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
        if os.environ.get("CI"):
            pytest.fail(".ci/run must install Debian's chromium for the browser tests")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop; the live server's database calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

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
    from skm_portal.celery import app

    previous = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)
    yield
    app.conf.update(**previous)
