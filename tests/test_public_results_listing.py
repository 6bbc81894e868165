"""Issue 17: the public results open on the newest period that has results, offer only such periods,
and their units list is searched and sorted by a plain GET form (no JavaScript)."""

import re

import pytest
from django.urls import reverse

from reports.services.locking import period_lock
from tests.conftest import import_rows, response_row
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(reference_units, tmp_path):
    """2023-S1 locked with results of three units; 2023-S2, newer, locked without any response."""
    rows = [
        *[response_row(kode_unit="UPP001", tanggal="2023-03-01 09:00", u1="1") for _ in range(3)],  # lowest
        *[response_row(kode_unit="UPP002", tanggal="2023-03-01 09:00") for _ in range(2)],  # all 4: highest
        response_row(kode_unit="UPP016", tanggal="2023-03-01 09:00", u2="3"),
    ]
    import_rows(tmp_path, rows, period="2023-S1")
    period_lock(kode="2023-S1")
    period_lock(kode="2023-S2")  # locked, but nobody answered
    Unit.objects.filter(kode="UPP001").update(nama="Badan Kepegawaian")
    Unit.objects.filter(kode="UPP002").update(nama="Kantor Kesatuan Bangsa")
    Unit.objects.filter(kode="UPP016").update(nama="Dinas Kependudukan")


def listed(html: str) -> list[str]:
    """The unit codes of the units list, in order (each row links to its unit's follow-up page)."""
    return re.findall(r'<th scope="row" class="unit"><a href="/hasil/[^/]+/([^/]+)/"', html)


def period_links(html: str) -> list[str]:
    nav = html.split('aria-label="Periode"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">(\d{4}-S\d)</a>", nav)


@pytest.mark.parametrize("name", ["home", "public_results"])
def test_the_page_opens_on_the_newest_period_with_results_and_offers_only_those(published, client, name):
    html = client.get(reverse(name)).content.decode()
    assert "Belum ada hasil survei" not in html
    assert period_links(html) == ["2023-S1"]  # 2023-S2 is newer and locked, but has no results
    assert 'aria-current="page">2023-S1</a>' in html
    assert listed(html) == ["UPP001", "UPP016", "UPP002"]  # by name by default


def test_without_any_results_the_page_says_so(reference_units, client):
    period_lock(kode="2023-S2")
    html = client.get(reverse("home")).content.decode()
    assert "Belum ada hasil survei" in html and "2023-S2" not in html


def test_search_by_name_or_code_and_sort_without_javascript(published, client):
    url = reverse("public_results_period", args=["2023-S1"])
    assert listed(client.get(url, {"urut": "ikm-tinggi"}).content.decode()) == ["UPP002", "UPP016", "UPP001"]
    assert listed(client.get(url, {"urut": "ikm-rendah"}).content.decode()) == ["UPP001", "UPP016", "UPP002"]
    html = client.get(url, {"q": "  dinas  KEPENDUDUKAN "}).content.decode()  # any case, spaces tidied
    assert listed(html) == ["UPP016"]
    assert "1 dari 3 unit cocok dengan" in html
    assert 'value="dinas KEPENDUDUKAN"' in html  # the form shows the search again
    assert listed(client.get(url, {"q": "upp00"}).content.decode()) == ["UPP001", "UPP002"]  # by code
    # Another period's link keeps the search and the sort.
    html = client.get(url, {"q": "kantor", "urut": "ikm-rendah"}).content.decode()
    assert 'href="/hasil/2023-S1/?q=kantor&amp;urut=ikm-rendah"' in html
    assert '<option value="ikm-rendah" selected>' in html
    html = client.get(url, {"q": "tidak ada"}).content.decode()
    assert listed(html) == [] and "Tidak ada unit yang cocok" in html
    # The city row is the city's, whatever the search.
    assert "Rata-rata dari 3 unit" in html


@pytest.mark.parametrize(
    "params",
    [
        {"urut": "nama'; DROP TABLE x"},
        {"urut": ["ikm-tinggi", "x" * 10_000]},
        {"q": "\x00"},
        {"q": "a\x00b" * 5000, "urut": "\x00"},
        {"q": "<script>alert(1)</script>"},
    ],
)
def test_bad_parameters_fall_back_to_the_defaults(published, client, params):
    response = client.get(reverse("public_results_period", args=["2023-S1"]), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="nama" selected>' in html
    assert "<script>alert" not in html
    assert "\x00" not in html
    assert len(re.search(r'name="q" value="([^"]*)"', html).group(1)) <= 100
