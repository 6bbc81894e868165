"""A respondent fills the questionnaire in a real browser at a phone's width."""

import pytest

from surveys.models import Response

pytestmark = pytest.mark.django_db(transaction=True)  # the live server runs in another thread

ANSWERS = {f"u{k}": (k % 4) + 1 for k in range(1, 10)}


def fill_profile(page):
    page.fill("#id_umur", "45")
    page.click("label[for=id_jenis_kelamin_1]")  # Perempuan
    page.select_option("#id_pendidikan", "DIPLOMA")
    page.select_option("#id_pekerjaan", "PNS/P3K")
    page.select_option("#id_jenis_layanan", "Akta kelahiran")


def test_a_respondent_submits_the_form_on_a_phone(open_period, live_server, phone):
    phone.goto(f"{live_server.url}/survei/UPP016/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    fill_profile(phone)
    for field, value in ANSWERS.items():
        phone.click(f"label[for=id_{field}_{value - 1}]")
    phone.fill("#id_saran", "Ruang tunggu nyaman.")
    phone.click("input[type=submit]")
    phone.wait_for_url("**/terima-kasih/")
    assert "Terima kasih!" in phone.inner_text("h1")

    stored = Response.objects.get()
    assert stored.unit.kode == "UPP016" and stored.period == open_period
    assert stored.answers == tuple(ANSWERS.values())
    assert (stored.umur, stored.jenis_kelamin, stored.pendidikan, stored.pekerjaan) == (45, "P", "DIPLOMA", "PNS/P3K")
    assert (stored.jenis_layanan, stored.saran, stored.channel) == ("Akta kelahiran", "Ruang tunggu nyaman.", "online")

    phone.reload()  # the thank-you page came by redirect: reloading it sends nothing again
    assert Response.objects.count() == 1


def test_a_missing_answer_is_shown_and_nothing_is_stored(open_period, live_server, phone):
    phone.goto(f"{live_server.url}/survei/UPP016/")
    fill_profile(phone)
    for field, value in ANSWERS.items():
        if field != "u4":
            phone.click(f"label[for=id_{field}_{value - 1}]")
    phone.click("input[type=submit]")
    phone.wait_for_load_state()
    assert "Pilih salah satu jawaban untuk pertanyaan ini." in phone.inner_text("#div_id_u4")
    assert phone.locator(".alert-danger").is_visible()
    assert phone.input_value("#id_umur") == "45"  # what was filled in is kept
    assert phone.locator("#id_u1_1").is_checked()
    assert Response.objects.count() == 0
