"""Issue 15 in a real browser (Debian's Chromium): the pages under the strict Content-Security-Policy
raise no violation, and Back after sending a questionnaire finds an empty form, with and without JavaScript."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reports.services.locking import period_lock
from surveys.models import Response
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, import_rows, response_row
from tests.factories import (
    PASSWORD,
    CityAdminFactory,
    PrioritasFactory,
    ReportJobFactory,
    TindakLanjutFactory,
    UnitAdminFactory,
    UserFactory,
)
from tests.test_questionnaire_browser import ANSWERS, fill_profile
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)  # the live server runs in another thread

# Every violation of the policy reaches the console as one of these.
VIOLATION_MARKS = ("Content Security Policy", "Refused to")
REPORT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 79, 138)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def published(open_period, tmp_path, settings):
    """2023-S2 locked and published (UPP017 with an interval, a plan with progress and public evidence),
    today's period open for the questionnaire, and the users of each workspace."""
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        response_row(kode_unit="UPP017", umur=str(25 + i), u1=str(1 + i % 4), u3=str(1 + (i + 1) % 4))
        for i in range(8)
    ]
    rows += [response_row(kode_unit="UPP016", umur=umur, jenis_layanan="KTP elektronik") for umur in ("40", "51")]
    import_rows(tmp_path, rows)
    period = period_lock(kode="2023-S2")
    prioritas = PrioritasFactory(unit=Unit.objects.get(kode="UPP017"), period=period, unsur_kode="U3")
    TindakLanjutFactory(
        prioritas=prioritas,
        target=date(2024, 3, 31),
        progres=60,
        bukti_publik=True,
        bukti_file=SimpleUploadedFile("foto.png", png()),
    )
    UnitAdminFactory(user__username="dinkes", unit__kode="UPP017")
    organisasi = CityAdminFactory(username="organisasi")
    ReportJobFactory(period=period, requested_by=organisasi, state="running", stage="BAB III", percent=40)
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    return period


class Console:
    """The console messages and page errors of a browser context."""

    def __init__(self, context):
        self.messages: list[str] = []
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", lambda message: self.messages.append(f"{message.type}: {message.text}"))
        context.on("weberror", lambda error: self.messages.append(f"error: {error.error}"))

    def violations(self) -> list[str]:
        return [text for text in self.messages if any(mark in text for mark in VIOLATION_MARKS)]


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert "style-src 'self'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("load")  # scripts and styles have run (a violation is reported as it happens)
    assert page.evaluate("window.__cspViolations") == [], url


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_pages_raise_no_content_security_policy_violation(published, live_server, browser, phone):
    base = live_server.url
    phone_console = Console(phone.context)
    visit(phone, f"{base}/survei/UPP016/")
    visit(phone, f"{base}/hasil/2023-S2/")
    visit(phone, f"{base}/hasil/2023-S2/UPP017/")
    assert phone.locator("#hasil svg.interval-track rect.interval-range").count() == 1
    assert (
        phone.locator("#realisasi .progress-bar[data-pct='60']").bounding_box()["width"] > 0
    )  # styled by interval.css
    evidence = phone.locator("#prioritas a", has_text="Bukti").get_attribute("href")
    shown = phone.goto(f"{base}{evidence}")  # an image, shown inline under its sandboxing policy
    assert shown.headers["content-security-policy"].startswith("sandbox;")
    assert phone.evaluate("document.images[0].naturalWidth") == 40
    assert phone_console.violations() == []

    for username, pages in [
        ("dinkes", ["/kelola/unit/UPP017/?periode=2023-S2"]),
        ("organisasi", ["/kelola/kota/?periode=2023-S2", f"/kelola/laporan/{published.report_jobs.get().pk}/"]),
        ("admin", ["/admin/", "/admin/units/unit/", "/admin/surveys/period/", "/admin/units/unitadmin/add/"]),
    ]:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
        console = Console(context)
        page = context.new_page()
        log_in(page, base, username)
        for path in pages:
            visit(page, base + path)
        if username == "dinkes":
            assert page.locator("#ikm-interval svg.interval-track").bounding_box()["width"] > 100
            assert page.locator("#unsur-chart").is_visible()  # Chart.js drew under the policy
        if username == "admin":
            page.click(".select2-selection")  # the autocomplete widget (select2) and its styles
            page.wait_for_selector(".select2-results__option")
        assert console.violations() == [], username

        # The watch itself works: an inline style is refused and reported.
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
        page.wait_for_function("window.__cspViolations.length > 0")
        assert any("inline style" in text for text in console.violations())
        context.close()


@pytest.fixture(scope="module")
def bfcache_browser(browser):
    """Chromium as people have it: Playwright turns the back-forward cache off by default, and Chrome
    keeps even pages sent with Cache-Control: no-store in it (unless a cookie changed meanwhile)."""
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, ignore_default_args=["--disable-back-forward-cache"]
    )
    yield chromium
    chromium.close()


def phone_context(browser, **options):
    return browser.new_context(
        viewport={"width": 360, "height": 740}, locale="id-ID", is_mobile=True, has_touch=True, **options
    )


def fill_and_send(page) -> None:
    fill_profile(page)
    for field, value in ANSWERS.items():
        page.click(f"label[for=id_{field}_{value - 1}]")
    page.fill("#id_saran", "Nomor HP saya 0812 3456 7890, petugas loket 3 kasar.")
    page.click("input[type=submit]")
    page.wait_for_url("**/terima-kasih/")
    assert "Terima kasih!" in page.inner_text("h1")


def assert_empty_form(page) -> None:
    page.wait_for_selector("#kuesioner")
    assert page.locator("#kuesioner input[type=radio]:checked").count() == 0
    assert page.input_value("#id_saran") == ""
    assert page.input_value("#id_umur") == ""
    assert page.input_value("#id_pendidikan") == ""


def back_and_send_again(page, sent_id: str) -> None:
    page.go_back(wait_until="commit")  # a page restored from the back-forward cache fires no load event
    page.wait_for_url("**/survei/UPP016/")
    page.wait_for_timeout(500)  # a restored page's pageshow handler, if any, has run
    assert_empty_form(page)
    assert page.input_value("#id_submission_id") not in {"", sent_id}
    fill_and_send(page)  # the next respondent on the same device
    assert Response.objects.count() == 2


def test_back_after_sending_shows_an_empty_form(open_period, live_server, bfcache_browser):
    context = phone_context(bfcache_browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/survei/UPP016/")
    # The second opening, as for every respondent after the first: the service worker is in charge.
    page.wait_for_function("navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)")
    page.reload()
    fill_and_send(page)
    sent = Response.objects.get()
    back_and_send_again(page, str(sent.submission_id))
    context.close()


def test_back_after_sending_shows_an_empty_form_without_javascript(open_period, live_server, bfcache_browser):
    context = phone_context(bfcache_browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/survei/UPP016/")
    fill_and_send(page)
    sent = Response.objects.get()
    back_and_send_again(page, str(sent.submission_id))
    context.close()


def test_a_form_restored_from_the_back_forward_cache_is_emptied(open_period, live_server, phone):
    """Where a browser keeps the page in its back-forward cache anyway, the script empties it."""
    phone.goto(f"{live_server.url}/survei/UPP016/")
    fill_profile(phone)
    for field, value in ANSWERS.items():
        phone.click(f"label[for=id_{field}_{value - 1}]")
    phone.fill("#id_saran", "Jawaban orang sebelumnya.")
    first_id = phone.input_value("#id_submission_id")
    phone.evaluate("document.querySelector('#kuesioner [type=submit]').disabled = true")  # as while sending
    phone.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))")
    assert_empty_form(phone)
    assert phone.input_value("#id_jenis_kelamin_1") == "P" and not phone.is_checked("#id_jenis_kelamin_1")
    assert phone.input_value("#id_submission_id") not in {"", first_id}
    assert phone.is_enabled("#kuesioner [type=submit]")
    fill_and_send(phone)
    assert Response.objects.count() == 1
