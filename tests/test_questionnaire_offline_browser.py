"""Issue 10 in a real phone-sized browser: a questionnaire filled without signal is kept on the
device, shown as "tersimpan, akan dikirim", and sent exactly once when the network returns."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.services.locking import period_lock
from surveys.models import Response
from tests.test_questionnaire_browser import ANSWERS, fill_profile
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)  # the live server runs in another thread


@pytest.fixture(autouse=True)
def page_sends(phone):
    """Playwright's offline mode does not reach the service worker, whose Background Sync would
    send at once while the page is "offline": here the page's own sending is what is followed."""
    phone.add_init_script("if (window.SyncManager) SyncManager.prototype.register = () => Promise.resolve();")


QUEUED = "#antrian [data-state=queued]"
REFUSED = "#antrian [data-state=refused]"
LOCKED_MESSAGE = "Periode survei sudah ditutup; jawaban ini tidak dapat dikirim."


def fill(page):
    fill_profile(page)
    for field, value in ANSWERS.items():
        page.click(f"label[for=id_{field}_{value - 1}]")
    page.fill("#id_saran", "Diisi tanpa sinyal.")


def open_form(page, live_server):
    page.goto(f"{live_server.url}/survei/UPP016/")
    # The service worker is running and has stored the form for offline use.
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(() => caches.open('skm-survei-v1'))"
        ".then(cache => cache.match(location.pathname)).then(Boolean)",
        polling=200,
        timeout=10_000,
    )


def wait_for_responses(count, timeout=15.0):
    deadline = time.monotonic() + timeout
    while Response.objects.count() != count:
        assert time.monotonic() < deadline, f"{Response.objects.count()} responses, expected {count}"
        time.sleep(0.2)


def submit_offline(page):
    page.context.set_offline(True)
    fill(page)
    page.click("input[type=submit]")
    expect(page.locator(QUEUED)).to_contain_text("Tersimpan, akan dikirim")


def test_a_form_sent_offline_is_kept_and_stored_once_when_online(open_period, live_server, phone):
    open_form(phone, live_server)
    first_id = phone.input_value("#id_submission_id")
    submit_offline(phone)
    assert phone.input_value("#id_umur") == ""  # the form is free for the next respondent, with a new id
    assert phone.input_value("#id_submission_id") != first_id
    # Offline, the stored form still opens (from the service worker), with the queue and a fresh id.
    phone.reload()
    expect(phone.locator(QUEUED)).to_be_visible()
    assert phone.input_value("#id_submission_id") not in {first_id, ""}
    time.sleep(1)
    assert Response.objects.count() == 0
    queued = phone.evaluate("SkmQueue.all()")

    phone.context.set_offline(False)
    wait_for_responses(1)
    expect(phone.locator(QUEUED)).to_have_count(0)
    expect(phone.locator("#antrian")).to_contain_text("sudah terkirim")
    stored = Response.objects.get()
    assert str(stored.submission_id) == first_id == queued[0]["id"]
    assert stored.answers == tuple(ANSWERS.values()) and stored.saran == "Diisi tanpa sinyal."
    assert stored.diisi_pada is not None and stored.diisi_pada <= stored.submitted_at

    # The same submission replayed three times (a retry whose answer was lost) stays one response.
    outcomes = phone.evaluate("item => Promise.all([1, 2, 3].map(() => SkmQueue.send({...item})))", queued[0])
    assert outcomes == ["sent"] * 3
    time.sleep(0.5)
    assert Response.objects.count() == 1


def test_a_queued_form_whose_period_was_locked_is_refused_visibly(open_period, live_server, phone):
    open_form(phone, live_server)
    submit_offline(phone)
    period_lock(kode=open_period.kode)
    phone.context.set_offline(False)
    refused = phone.locator("#antrian [data-state=refused]")
    expect(refused).to_contain_text("Periode survei sudah ditutup; jawaban ini tidak dapat dikirim.", timeout=15_000)
    assert Response.objects.count() == 0
    phone.reload()  # still there, now on the "survey closed" page, until the respondent dismisses it
    expect(refused).to_be_visible()
    refused.get_by_role("button", name="Tutup").click()
    expect(refused).to_have_count(0)
    assert phone.evaluate("SkmQueue.all()") == []


def test_a_queued_form_whose_csrf_cookie_expired_gets_a_fresh_token(open_period, live_server, phone):
    open_form(phone, live_server)
    submit_offline(phone)
    phone.context.clear_cookies()  # the first send is refused by CSRF; a fresh form brings a new token
    phone.context.set_offline(False)
    wait_for_responses(1)
    expect(phone.locator("#antrian")).to_contain_text("sudah terkirim")


def test_a_queued_form_of_a_locked_period_is_refused_even_without_its_csrf_cookie(open_period, live_server, phone):
    open_form(phone, live_server)
    submit_offline(phone)
    period_lock(kode=open_period.kode)  # the form page now says "closed": it carries no token
    phone.context.clear_cookies()
    phone.context.set_offline(False)
    expect(phone.locator(REFUSED)).to_contain_text(LOCKED_MESSAGE, timeout=15_000)
    expect(phone.locator(QUEUED)).to_have_count(0)
    assert Response.objects.count() == 0


def test_a_queued_form_refused_without_an_answer_of_the_form_says_so_with_the_code(open_period, live_server, phone):
    phone.emulate_media(reduced_motion="reduce")  # no smooth scrolling to wait for before tapping a button
    open_form(phone, live_server)
    submit_offline(phone)
    renamed = Unit.objects.get(kode="UPP016")
    renamed.kode = "UPP016-LAMA"
    renamed.save()  # its address is gone: 404, a page
    phone.context.set_offline(False)
    expect(phone.locator(REFUSED)).to_contain_text("Jawaban ini tidak dapat dikirim (kode 404).", timeout=15_000)
    expect(phone.locator(QUEUED)).to_have_count(0)
    expect(phone.locator("#antrian")).not_to_contain_text("sudah terkirim")  # refused is not sent
    assert [item["state"] for item in phone.evaluate("SkmQueue.all()")] == ["refused"]
    # Such a refusal may pass (a proxy, a portal): the respondent can try again.
    renamed.kode = "UPP016"
    renamed.save()
    phone.get_by_role("button", name="Coba lagi").click()
    wait_for_responses(1)
    expect(phone.locator("#antrian")).to_contain_text("sudah terkirim")


# A device whose clock is off by hours: Date in the page (the form's script and its queue) is shifted.
SHIFT_CLOCK = """(() => {
  const Real = Date, offset = %d;
  class Shifted extends Real {
    constructor(...args) { if (args.length) super(...args); else super(Real.now() + offset); }
    static now() { return Real.now() + offset; }
  }
  globalThis.Date = Shifted;
})();"""


def test_a_device_clock_hours_ahead_is_dated_by_the_server(open_period, live_server, phone):
    phone.add_init_script(SHIFT_CLOCK % (3 * 3600 * 1000))
    open_form(phone, live_server)
    assert phone.evaluate("Date.now() - performance.timeOrigin") > 3 * 3600 * 1000 - 60_000
    fill(phone)
    phone.click("input[type=submit]")
    phone.wait_for_url("**/terima-kasih/")
    stored = Response.objects.get()
    assert abs(stored.diisi_pada - timezone.now()) < timedelta(minutes=1)


def test_a_form_queued_on_a_device_clock_days_behind_keeps_its_delay(open_period, live_server, phone):
    phone.add_init_script(SHIFT_CLOCK % (-10 * 86400 * 1000))
    open_form(phone, live_server)
    submit_offline(phone)
    time.sleep(3)
    phone.context.set_offline(False)
    wait_for_responses(1)
    stored = Response.objects.get()
    delay = stored.submitted_at - stored.diisi_pada
    assert timedelta(seconds=2) < delay < timedelta(minutes=1), delay


def test_online_a_double_tap_stores_one_response_and_thanks(open_period, live_server, phone):
    open_form(phone, live_server)
    fill(phone)
    phone.dblclick("input[type=submit]")
    phone.wait_for_url("**/terima-kasih/")
    assert Response.objects.count() == 1
