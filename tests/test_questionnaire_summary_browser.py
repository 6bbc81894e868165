"""Issue 17 on a 360 px phone: the questions' headings sit inside their cards, and a form sent
incomplete comes back with an error summary that has the focus and links to each field."""

import pytest
from playwright.sync_api import expect

from surveys.models import Response

pytestmark = pytest.mark.django_db(transaction=True)  # the live server runs in another thread


def test_an_empty_form_comes_back_with_a_focused_summary_linking_each_field(open_period, live_server, phone):
    phone.emulate_media(reduced_motion="reduce")  # no smooth scrolling to wait for
    phone.goto(f"{live_server.url}/survei/UPP016/")
    phone.click("input[type=submit]")
    phone.wait_for_load_state()
    summary = phone.locator("#kuesioner-errors")
    expect(summary).to_have_attribute("role", "alert")
    # umur, jenis kelamin, pendidikan, pekerjaan, jenis layanan and the nine questions
    expect(summary.get_by_role("heading")).to_have_text("Ada 14 isian yang perlu diperbaiki")
    expect(summary).to_be_focused()
    assert summary.bounding_box()["y"] < 740  # on the first screen
    links = summary.get_by_role("link")
    expect(links).to_have_count(14)
    targets = [links.nth(i).get_attribute("href") for i in range(14)]
    assert targets[:2] == ["#id_umur", "#id_jenis_kelamin_0"] and targets[-1] == "#id_u9_0"
    assert all(phone.locator(target).count() == 1 for target in targets)  # each leads to a field
    assert "Pilih salah satu jawaban untuk pertanyaan ini." in summary.inner_text()

    links.filter(has_text="5. ").click()  # a question: its first choice gets the focus, its heading is shown
    expect(phone.locator("#id_u5_0")).to_be_focused()
    legend = phone.locator("#div_id_u5 legend").bounding_box()
    assert 0 <= legend["y"] < 740
    assert Response.objects.count() == 0


def test_the_summary_is_there_without_javascript(open_period, live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/survei/UPP016/")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#kuesioner-errors h2")).to_have_text("Ada 14 isian yang perlu diperbaiki")
    page.locator("#kuesioner-errors a[href='#id_umur']").click()
    expect(page.locator("#id_umur")).to_be_focused()
    context.close()


def test_a_long_question_heading_sits_inside_its_card(open_period, live_server, phone):
    phone.goto(f"{live_server.url}/survei/UPP016/")
    for number in range(1, 10):
        fieldset = phone.locator(f"#div_id_u{number} fieldset").bounding_box()
        legend = phone.locator(f"#div_id_u{number} legend").bounding_box()
        assert legend["height"] > 30 or number != 5  # question 5 wraps on a phone
        # Below the card's top border, not on it: the border no longer runs through the heading.
        assert legend["y"] > fieldset["y"] + 1, number
        assert legend["x"] > fieldset["x"] and legend["x"] + legend["width"] < fieldset["x"] + fieldset["width"]
