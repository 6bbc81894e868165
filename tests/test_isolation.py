"""A unit admin never reaches another unit's data: every management URL that takes a unit,
plan, action, evidence or response answers 404 for a unit outside the admin's reach.

The walk enumerates the URL configuration itself, so a new URL cannot be forgotten here.
"""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports.models import PrioritasUnsur, ReportJob, TindakLanjut
from surveys.models import Period, Response, Unsur
from units.models import Unit, UnitAdmin

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
    period = Period.objects.create(
        kode="2023-S1", tanggal_mulai=date(2023, 1, 1), tanggal_selesai=date(2023, 6, 30), status="locked"
    )
    Period.objects.create(
        kode="2023-S2", tanggal_mulai=date(2023, 7, 1), tanggal_selesai=date(2023, 12, 31), status="open"
    )
    unit = Unit.objects.get(kode="UPP017")
    response = Response.objects.create(
        unit=unit,
        period=period,
        submitted_at="2023-03-01T10:00+07:00",
        umur=30,
        jenis_kelamin="L",
        pendidikan="S1",
        pekerjaan="KARYAWAN",
        saran="Rahasia dinkes",
        channel="online",
        **{f"u{k}": 3 for k in range(1, 10)},
    )
    prioritas = PrioritasUnsur.objects.create(unit=unit, period=period, unsur=Unsur.objects.get(kode="U3"), urutan=1)
    action = TindakLanjut.objects.create(
        prioritas=prioritas, nomor=1, teks="Rahasia", target=date(2023, 12, 1), penanggung_jawab="x"
    )
    action.bukti_file.save("bukti.pdf", ContentFile(b"%PDF-1.4 x"))
    job = ReportJob.objects.create(kind="unit_pdf", period=period, unit=unit, state="done")
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
def test_an_outsider_gets_404_everywhere(client, other_units_data, method):
    outsider = User.objects.create_user("bkpsdm", password="rahasia-panjang-123")
    UnitAdmin.objects.create(user=outsider, unit=Unit.objects.get(kode="UPP001"))
    client.force_login(outsider)
    checked = []
    for name, _route, params in management_patterns():
        url = reverse(name, kwargs=url_values(name, params, other_units_data))
        response = getattr(client, method)(url)
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


def test_the_kecamatan_admin_reaches_its_kelurahan_but_not_others(client, reference_units):
    admin = User.objects.create_user("camat", password="rahasia-panjang-123")
    UnitAdmin.objects.create(user=admin, unit=Unit.objects.get(kode="UPP032"))  # Kecamatan Pekalongan Barat
    Period.objects.create(kode="2023-S2", tanggal_mulai=date(2023, 7, 1), tanggal_selesai=date(2023, 12, 31))
    client.force_login(admin)
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
