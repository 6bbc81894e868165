"""Issue 17: the units of the results page are cards on a 360 px phone and a compact table on a wide
screen; the search works without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.test_public_results_listing import published  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)  # the live server runs in another thread


def test_cards_on_a_phone_a_table_on_a_wide_screen(published, live_server, browser):  # noqa: F811
    for width, display, header_shown in [(360, "grid", False), (1024, "table-row", True)]:
        viewport = {"width": width, "height": 800}
        context = browser.new_context(viewport=viewport, locale="id-ID", java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{live_server.url}/hasil/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        rows = page.locator(".results-table tbody tr")
        expect(rows).to_have_count(3)
        assert rows.first.evaluate("row => getComputedStyle(row).display") == display
        assert (page.locator(".results-table thead").bounding_box()["height"] > 1) == header_shown
        page.fill("#cari-unit", "kantor")
        page.select_option("#urut-unit", "ikm-rendah")
        page.click(".results-search-button")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Kantor Kesatuan Bangsa")
        assert page.url.endswith("/hasil/2023-S1/?q=kantor&urut=ikm-rendah")
        context.close()
