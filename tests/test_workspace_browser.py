"""Unit and city administrators in a real browser: dashboard, priorities, plan, realization."""

import pytest

from reports.models import KatalogTindakLanjut, TindakLanjut
from surveys.models import Period
from tests.conftest import import_rows, response_row
from tests.factories import PASSWORD, CityAdminFactory, PeriodFactory, UnitAdminFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the live server runs in another thread
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def period_with_answers(reference_units, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [response_row(kode_unit="UPP017", tanggal="2023-03-01 10:00", u3="1", u8="2", u1="2") for _ in range(4)]
    UnitAdminFactory(user__username="dinkes", unit__kode="UPP017")
    CityAdminFactory(username="organisasi")
    return import_rows(tmp_path, rows, period="2023-S1")


def log_in(page, base, username):
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_unit_admin_plans_and_realizes_and_the_city_sees_it(period_with_answers, live_server, browser, tmp_path):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    log_in(page, base, "dinkes")
    page.wait_for_url("**/kelola/unit/UPP017/")
    assert "Dinas Kesehatan" in page.inner_text("h1")
    values = page.inner_text("#unsur-values")
    assert "25,00" in values and "50,00" in values  # U3 and U1/U8, with a decimal comma

    page.click("text=Pilih prioritas")
    assert page.input_value("#id_prioritas_1") == "U3"  # the proposal: the three lowest
    page.click("button[type=submit]")
    page.wait_for_url("**/rencana/")

    waktu = KatalogTindakLanjut.objects.get(unsur__kode="U3", nomor=1)
    page.select_option("#id_katalog", str(waktu.pk))  # a standard action from the catalog
    page.fill("#id_target", "2023-12-31")
    page.fill("#id_penanggung_jawab", "Kasubag Umum")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.fill("#id_teks", "Menambah loket antrean khusus lansia")
    page.fill("#id_target", "2023-11-30")
    page.fill("#id_penanggung_jawab", "Kepala Puskesmas")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    actions = list(TindakLanjut.objects.order_by("prioritas__urutan", "nomor"))
    assert len(actions) == 2 and actions[0].katalog is not None
    assert actions[1].teks == "Menambah loket antrean khusus lansia" and actions[1].katalog is None

    # The period is published; in the next one the unit records what it did.
    Period.objects.filter(kode="2023-S1").update(status=Period.Status.LOCKED)
    PeriodFactory(kode="2023-S2", status="open")
    evidence = tmp_path / "laporan-realisasi.pdf"
    evidence.write_bytes(PDF)
    page.goto(f"{base}/kelola/unit/UPP017/?periode=2023-S2")
    page.locator("#realisasi a", has_text="catat").first.click()
    page.fill("#id_progres", "50")
    page.set_input_files("#id_bukti_file", str(evidence))
    page.click("button[type=submit]")
    page.wait_for_url("**/kelola/unit/UPP017/?periode=2023-S2")
    assert "50" in page.inner_text("#realisasi")
    first = TindakLanjut.objects.get(pk=actions[0].pk)
    assert first.progres == 50 and first.bukti_file.read() == PDF
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    log_in(page, base, "organisasi")
    page.goto(f"{base}/kelola/kota/?periode=2023-S2")
    row = page.locator("#city-table tr", has_text="Dinas Kesehatan")
    assert "25,00%" in row.inner_text()  # the mean of 50 % and the unrecorded 0 %
    assert page.inner_text("#city-realisasi") == "25,00%"
    context.close()
