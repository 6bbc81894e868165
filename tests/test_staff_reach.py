"""Every unit in a unit admin's reach is one click away: from the unit list and from the parent unit's
dashboard, in every period, whether or not the sub-units have responses; outsiders still get 404."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import PeriodFactory, ResponseFactory
from units.models import Unit

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    """The href of every <a> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def dashboard_links(html: str, kode: str) -> list[str]:
    """The page's links to the dashboard of unit `kode`."""
    path = reverse("reports:unit_dashboard", args=[kode])
    return [href for href in links(html) if href == path or href.startswith(f"{path}?")]


def puskesmas() -> list[Unit]:
    units = list(Unit.objects.filter(induk__kode="UPP017").order_by("kode"))
    assert len(units) == 14  # Dinas Kesehatan's Puskesmas, as in the reference units
    return units


def test_every_puskesmas_dashboard_is_one_click_from_the_unit_list(unit_admin, other_unit_admin):
    html = unit_admin.get(reverse("surveys:unit_list")).content.decode()
    for unit in [Unit.objects.get(kode="UPP017"), *puskesmas()]:
        (href,) = dashboard_links(html, unit.kode)
        page = unit_admin.get(href)
        assert page.status_code == 200 and unit.nama in page.content.decode()
        assert other_unit_admin.get(href).status_code == 404  # the link opens nothing for an outsider


def test_the_unit_list_keeps_the_period_it_was_given(unit_admin):
    period = PeriodFactory()
    html = unit_admin.get(reverse("surveys:unit_list"), {"periode": period.kode}).content.decode()
    for unit in puskesmas():
        assert dashboard_links(html, unit.kode) == [
            f"{reverse('reports:unit_dashboard', args=[unit.kode])}?periode={period.kode}"
        ]
    assert unit_admin.get(reverse("surveys:unit_list"), {"periode": "2099-S9"}).status_code == 404
    assert unit_admin.get(reverse("surveys:unit_list"), {"periode": "a\x00b"}).status_code == 404


def test_the_parent_dashboard_lists_every_sub_unit_in_a_period_without_their_responses(unit_admin, other_unit_admin):
    period = PeriodFactory()
    ResponseFactory(unit=Unit.objects.get(kode="UPP017"), period=period)  # the parent's own, not a sub-unit's
    response = unit_admin.get(reverse("reports:unit_dashboard", args=["UPP017"]), {"periode": period.kode})
    html = response.content.decode()
    sub_units = html[html.index('id="sub-units"') : html.index("</table>", html.index('id="sub-units"'))]
    assert sub_units.count("belum ada respons") == 14
    for unit in puskesmas():
        (href,) = dashboard_links(sub_units, unit.kode)
        assert href.endswith(f"?periode={period.kode}")
        page = unit_admin.get(href)
        assert page.status_code == 200 and unit.nama in page.content.decode()
        assert other_unit_admin.get(href).status_code == 404


def test_sub_units_with_and_without_responses_are_listed_together(unit_admin):
    period = PeriodFactory()
    answered, *silent = puskesmas()
    ResponseFactory(unit=answered, period=period)
    html = unit_admin.get(
        reverse("reports:unit_dashboard", args=["UPP017"]), {"periode": period.kode}
    ).content.decode()
    sub_units = html[html.index('id="sub-units"') : html.index("</table>", html.index('id="sub-units"'))]
    assert sub_units.count("belum ada respons") == len(silent) == 13
    assert "100,00" in sub_units  # the answered Puskesmas shows its IKM (all answers 4)
    assert all(dashboard_links(sub_units, unit.kode) for unit in puskesmas())
