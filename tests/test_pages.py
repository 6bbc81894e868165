import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import import_rows, response_row
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_home_without_results_says_so(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Belum ada hasil survei" in response.content.decode()


def test_home_shows_the_latest_results_in_indonesian_format(reference_units, client, tmp_path):
    Unit.objects.filter(kode="UPP002").update(nama="<script>alert(1)</script> Kesbangpol")
    rows = [response_row(kode_unit="UPP001", u1="1")] + [response_row(kode_unit="UPP002", u2="3") for _ in range(1000)]
    import_rows(tmp_path, rows)
    assert "Belum ada hasil survei" in client.get(reverse("home")).content.decode()  # open periods are not published
    call_command("lock_period", "2023-S2", stdout=io.StringIO())
    html = client.get(reverse("home")).content.decode()
    assert "2023-S2" in html
    assert "97,22" in html  # UPP002's IKM: (8 x 100 + 75) / 9
    assert "1.000 responden" in html and "1.001 responden" in html  # a thousands dot
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Kesbangpol" in html
    assert "<script>alert" not in html


def test_english_is_available(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "No survey results yet." in response.content.decode()


def test_city_admin_can_browse_the_raw_data_in_django_admin(reference_units, admin_client):
    for name in (
        "units_unit",
        "units_unitadmin",
        "units_auditevent",
        "surveys_period",
        "surveys_unsur",
        "surveys_unitperiod",
        "surveys_importbatch",
        "surveys_response",
        "reports_katalogtindaklanjut",
        "reports_prioritasunsur",
        "reports_tindaklanjut",
    ):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert "Persyaratan" in admin_client.get(reverse("admin:surveys_unsur_changelist")).content.decode()


def test_admin_requires_login(client):
    response = client.get(reverse("admin:surveys_response_changelist"))
    assert response.status_code == 302
