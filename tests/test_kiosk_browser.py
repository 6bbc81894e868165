"""Issue 18 at tablet size (800x1280) in a real browser: a paired counter kiosk serves respondents
in a row, Back and idleness never show the previous person's answers, a form sent offline is
stored once, and a revoked device's queued form shows the refusal."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from surveys.models import KioskDevice, Response
from surveys.services.kiosk import kiosk_device_add, kiosk_revoke
from tests.test_questionnaire_browser import ANSWERS, fill_profile
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)  # the live server runs in another thread

QUEUED = "#antrian [data-state=queued]"
REFUSED = "#antrian [data-state=refused]"


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport={"width": 800, "height": 1280}, locale="id-ID", has_touch=True)
    page = context.new_page()
    # As in the offline tests: the page's own sending is followed, not Background Sync.
    page.add_init_script("if (window.SyncManager) SyncManager.prototype.register = () => Promise.resolve();")
    yield page
    context.close()


def pair(page, live_server) -> KioskDevice:
    device, code = kiosk_device_add(user=None, unit=Unit.objects.get(kode="UPP016"), nama="Loket 1")
    page.goto(live_server.url + reverse("surveys:kiosk_pair_code", args=[code]))
    page.click("button[type=submit]")
    page.wait_for_url("**/survei/loket/")
    expect(page.locator("main")).to_contain_text("Loket 1")
    return device


def fill(page, umur: str):
    fill_profile(page)
    page.fill("#id_umur", umur)
    for field, value in ANSWERS.items():
        page.click(f"label[for=id_{field}_{value - 1}]")


def assert_empty(page):
    assert page.input_value("#id_umur") == ""
    assert page.locator("#kuesioner input[type=radio]:checked").count() == 0


def wait_for_responses(count, timeout=15.0):
    deadline = time.monotonic() + timeout
    while Response.objects.count() != count:
        assert time.monotonic() < deadline, f"{Response.objects.count()} responses, expected {count}"
        time.sleep(0.2)


def wait_for_worker(page):
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(() => caches.open('skm-survei-v1'))"
        ".then(cache => cache.match(location.pathname)).then(Boolean)",
        polling=200,
        timeout=10_000,
    )


def test_three_respondents_in_a_row_and_back_shows_an_empty_form(open_period, live_server, tablet):
    device = pair(tablet, live_server)
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 800
    box = tablet.locator("label[for=id_u1_0]").bounding_box()
    assert box["height"] >= 60  # a target for a finger
    for umur in ("31", "42", "53"):
        fill(tablet, umur)
        tablet.click("input[type=submit]")
        tablet.wait_for_url("**/loket/terima-kasih/")
        expect(tablet.locator("h1")).to_have_text("Terima kasih!")
        tablet.wait_for_url("**/survei/loket/", timeout=10_000)  # a fresh form for the next respondent
        assert_empty(tablet)
    stored = list(Response.objects.order_by("pk").values_list("umur", "channel", "device_id"))
    assert stored == [(31, "kiosk", device.pk), (42, "kiosk", device.pk), (53, "kiosk", device.pk)]
    fill(tablet, "64")
    tablet.click("input[type=submit]")
    tablet.wait_for_url("**/loket/terima-kasih/")
    tablet.go_back()
    tablet.wait_for_load_state()
    assert "/survei/loket/" in tablet.url
    assert_empty(tablet)
    assert Response.objects.count() == 4


def test_an_idle_form_asks_and_then_clears_itself(open_period, live_server, tablet, settings):
    settings.SKM_KIOSK_IDLE_SECONDS = 2
    pair(tablet, live_server)
    fill(tablet, "45")
    expect(tablet.locator("#masih-mengisi")).to_be_visible(timeout=5_000)
    expect(tablet.locator("#masih-mengisi")).to_contain_text("Masih mengisi?")
    with tablet.expect_navigation(timeout=15_000):  # no touch: a fresh page replaces the form
        pass
    assert_empty(tablet)
    expect(tablet.locator("#masih-mengisi")).to_be_hidden()
    assert not Response.objects.exists()


def test_a_form_sent_offline_is_stored_once_when_the_network_returns(open_period, live_server, tablet):
    device = pair(tablet, live_server)
    wait_for_worker(tablet)
    tablet.context.set_offline(True)
    fill(tablet, "38")
    tablet.click("input[type=submit]")
    expect(tablet.locator(QUEUED)).to_contain_text("Tersimpan, akan dikirim")
    assert_empty(tablet)
    time.sleep(1)
    assert not Response.objects.exists()
    tablet.context.set_offline(False)
    wait_for_responses(1)
    tablet.evaluate("SkmQueue.flush()")  # a second pass finds nothing to send
    time.sleep(1)
    assert list(Response.objects.values_list("umur", "channel", "device_id")) == [(38, "kiosk", device.pk)]


def test_a_revoked_devices_queued_form_shows_the_refusal(open_period, live_server, tablet):
    device = pair(tablet, live_server)
    wait_for_worker(tablet)
    tablet.context.set_offline(True)
    fill(tablet, "39")
    tablet.click("input[type=submit]")
    expect(tablet.locator(QUEUED)).to_be_visible()
    kiosk_revoke(user=None, device=device)
    tablet.context.set_offline(False)
    tablet.evaluate("window.dispatchEvent(new Event('online'))")
    expect(tablet.locator(REFUSED)).to_contain_text("dicabut", timeout=10_000)
    assert not Response.objects.exists()
    tablet.reload()
    expect(tablet.locator("#loket-ditolak")).to_contain_text("dicabut")
    expect(tablet.locator(REFUSED)).to_contain_text("dicabut")  # still shown on the kiosk's refusal screen
