"""Issue 17: without signal, a page of the questionnaire never opened on this device shows the
service worker's own page in Indonesian, not the browser's "This site can't be reached"."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)  # the live server runs in another thread

OFFLINE_TITLE = "Tidak ada sambungan internet"


def install_worker(page, base: str) -> None:
    page.goto(f"{base}/survei/UPP016/")
    # Stored at install: once the worker is ready (active), the page is in its cache.
    stored = page.evaluate(
        "navigator.serviceWorker.ready.then(() => caches.open('skm-survei-v1'))"
        ".then(cache => cache.match('/survei/luring.html')).then(response => response && response.text())"
    )
    assert OFFLINE_TITLE in stored


def test_a_never_visited_form_offline_shows_the_offline_page(open_period, live_server, phone):
    install_worker(phone, live_server.url)
    phone.context.set_offline(True)
    response = phone.goto(f"{live_server.url}/survei/UPP033/")  # another unit's form, never opened here
    assert response.from_service_worker and response.status == 200
    expect(phone.locator("h1")).to_have_text(OFFLINE_TITLE)
    assert "pernah dibuka sekali dengan sambungan internet" in phone.inner_text("main")
    assert "dikirim otomatis begitu sambungan kembali" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.lang") == "id"
    # Styled from the cache too (the card has its border), and no sideways scrolling on a phone.
    assert phone.evaluate("getComputedStyle(document.querySelector('#luring')).borderTopStyle") == "solid"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # Any other page of the questionnaire too; the form opened before still opens from the cache.
    phone.goto(f"{live_server.url}/survei/UPP016/terima-kasih/")
    expect(phone.locator("h1")).to_have_text(OFFLINE_TITLE)
    phone.goto(f"{live_server.url}/survei/UPP016/")
    expect(phone.locator("#kuesioner")).to_be_visible()

    # Back online, "Coba lagi" opens the real form.
    phone.context.set_offline(False)
    phone.goto(f"{live_server.url}/survei/UPP033/")
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/survei/UPP034/")
    phone.context.set_offline(False)
    phone.get_by_role("link", name="Coba lagi").click()
    expect(phone.locator("#kuesioner")).to_be_visible()
    assert phone.url.endswith("/survei/UPP034/")


def test_the_offline_page_and_the_worker(client):
    html = client.get(reverse("surveys:offline")).content.decode()
    assert '<html lang="id">' in html and OFFLINE_TITLE in html
    worker = client.get(reverse("surveys:service_worker")).content.decode()
    assert 'self.SKM_OFFLINE_URL = "/survei/luring.html";' in worker
