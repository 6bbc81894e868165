"""axe-core in Chromium on the public pages and the staff dashboards: no serious or critical violation.

axe-core (tests/vendor/axe.min.js, MPL-2.0, from npm) is loaded by the tests only; the portal never
serves it. The pages are the demo's (load_demo), on a phone and on a desktop.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from reports.demo.load import DEMO_USERS

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = {"serious", "critical"}
PASSWORDS = {username: password for username, password, _ in DEMO_USERS}
WIDTHS = [360, 1280]
PUBLIC_PAGES = ["/survei/UPP016/", "/privasi/", "/hasil/", "/hasil/2023-S2/UPP016/", "/masuk/"]
DASHBOARDS = [("dinkes", "/kelola/unit/UPP017/?periode=2023-S2"), ("organisasi", "/kelola/kota/?periode=2023-S2")]


def violations(page) -> list[str]:
    """axe's serious and critical violations on the page: rule, first elements and why."""
    page.evaluate(AXE)  # run through the browser's debugger, so the page's CSP does not block it
    found = page.evaluate("axe.run(document).then(results => results.violations)")
    return [
        f"{v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes'][:5]]}: "
        f"{' '.join(v['nodes'][0].get('failureSummary', '').split())[:240]}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def assert_none(found: dict[str, list[str]]) -> None:
    failing = [f"{path}: {line}" for path, lines in found.items() for line in lines]
    assert not failing, "\n".join(failing)


@pytest.fixture
def demo(live_server) -> str:
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


def test_axe_finds_what_it_should(browser):
    """The check itself: light grey text on white and a button without a name are caught."""
    page = browser.new_page()
    page.set_content(
        '<html lang="id"><title>x</title><main><p style="color:#aaa">Teks pucat</p><button></button></main></html>'
    )
    assert [line.split()[0] for line in violations(page)] == ["button-name", "color-contrast"]
    page.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the live server runs in another thread
@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_pages_have_no_serious_violations(demo, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
    page = context.new_page()
    found = {}
    for path in PUBLIC_PAGES:
        assert page.goto(demo + path).status == 200, path
        found[path] = violations(page)
    context.close()
    assert_none(found)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboards_have_no_serious_violations(demo, browser, width):
    found = {}
    for username, path in DASHBOARDS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
        page = context.new_page()
        page.goto(f"{demo}/masuk/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORDS[username])
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/masuk/" not in url)
        assert page.goto(demo + path).status == 200, path
        found[path] = violations(page)
        context.close()
    assert_none(found)
