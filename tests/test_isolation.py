"""A unit admin never reaches another unit's data: every management URL that takes a unit,
plan, action, evidence or response answers 404 for a unit outside the admin's reach.

The walk enumerates the URL configuration itself, so a new URL cannot be forgotten here.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports.models import TindakLanjut
from surveys.models import Period, Response
from tests.conftest import logged_in
from tests.factories import (
    PeriodFactory,
    PrioritasFactory,
    ReportJobFactory,
    ResponseFactory,
    TindakLanjutFactory,
    UnitAdminFactory,
)
from units.models import Unit

pytestmark = pytest.mark.django_db


def management_patterns(patterns=None, prefix="", namespace=""):
    """(name, route, parameter names) of every URL under kelola/ that takes a parameter."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from management_patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            params = list(entry.pattern.regex.groupindex)
            if route.lstrip("^").startswith("kelola/") and params:
                yield f"{namespace}{entry.name}", route, params


@pytest.fixture
def other_units_data(reference_units, tmp_path, settings):
    """Data of Dinas Kesehatan (UPP017): a response, a plan action with an evidence file."""
    settings.MEDIA_ROOT = tmp_path
    period = PeriodFactory(kode="2023-S1", status="locked")
    PeriodFactory(kode="2023-S2", status="open")
    unit = Unit.objects.get(kode="UPP017")
    response = ResponseFactory(unit=unit, period=period, saran="Rahasia dinkes")
    action = TindakLanjutFactory(prioritas=PrioritasFactory(unit=unit, period=period), teks="Rahasia")
    action.bukti_file.save("bukti.pdf", ContentFile(b"%PDF-1.4 x"))
    job = ReportJobFactory(kind="unit_pdf", period=period, unit=unit, state="done")
    job.file.save("laporan.pdf", ContentFile(b"%PDF-1.4 Rahasia"))
    return {"kode": "UPP017", "action": action.pk, "response": response.pk, "job": job.pk}


def url_values(name, params, data):
    values = {}
    for param in params:
        if param == "unit_kode":
            values[param] = data["kode"]
        elif param == "periode_kode":
            values[param] = "2023-S1"
        elif param == "code":  # a data-quality flag
            values[param] = "over_population"
        elif param == "pk":
            values[param] = data["response"] if "saran" in name else data["job"] if "job" in name else data["action"]
        else:
            raise AssertionError(f"{name}: the isolation walk does not know the parameter {param!r}; teach it")
    return values


def test_the_walk_covers_every_management_url():
    names = {name for name, _route, _params in management_patterns()}
    assert {
        "reports:unit_dashboard",
        "reports:realisasi",
        "reports:bukti",
        "reports:saran_handled",
        "reports:rencana",
    } <= names


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404_everywhere(other_unit_admin, other_units_data, method):
    checked = []
    for name, _route, params in management_patterns():
        url = reverse(name, kwargs=url_values(name, params, other_units_data))
        response = getattr(other_unit_admin, method)(url)
        # A POST-only URL answers GET with 405 whatever the unit, which tells nothing either.
        allowed = (404, 405) if method == "get" else (404,)
        assert response.status_code in allowed, f"{method.upper()} {url} ({name}) answered {response.status_code}"
        assert "Rahasia" not in response.content.decode()
        checked.append(name)
    assert len(checked) >= 12
    # Nothing changed behind the 404s.
    assert Period.objects.get(kode="2023-S1").status == "locked"
    assert not Response.objects.get().saran_ditangani
    assert TindakLanjut.objects.get().progres is None


def test_the_kecamatan_admin_reaches_its_kelurahan_but_not_others(reference_units):
    client = logged_in(UnitAdminFactory(unit__kode="UPP032").user)  # Kecamatan Pekalongan Barat
    PeriodFactory(kode="2023-S2")
    assert (
        client.get(reverse("reports:unit_dashboard", args=["UPP041"])).status_code == 200
    )  # Bendan Kergon, Pekalongan Barat
    assert (
        client.get(reverse("reports:unit_dashboard", args=["UPP039"])).status_code == 404
    )  # Bandengan, Pekalongan Utara


def test_anonymous_users_are_sent_to_the_login(client, other_units_data):
    for name, _route, params in management_patterns():
        response = client.get(reverse(name, kwargs=url_values(name, params, other_units_data)))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
