"""Operations: the health endpoint and the archive export."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from surveys.models import Response
from tests.conftest import import_rows, response_row

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_and_the_generator(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "report_generator": "ok"}


def test_health_stays_up_when_redis_is_down(client, broker_unreachable):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["report_generator"] == "unavailable"


def test_the_archive_export_reimports_as_it_is(reference_units, tmp_path):
    rows = [
        response_row(kode_unit="UPP016", saran="=1+1 bukan rumus"),
        response_row(kode_unit="UPP001", tanggal="2023-09-09 16:45", umur="71"),
    ]
    import_rows(tmp_path, rows)
    Response.objects.update(client_hash="f" * 64)
    out = tmp_path / "arsip.csv"
    call_command("export_responses", "--period", "2023-S2", "--output", str(out), stdout=io.StringIO())
    exported = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["kode_unit"] for r in exported] == ["UPP016", "UPP001"]
    assert exported[1]["tanggal"] == "2023-09-09 16:45" and exported[1]["umur"] == "71"
    # Inert in a spreadsheet: the apostrophe marks text, as spreadsheets themselves do.
    assert exported[0]["saran"] == "'=1+1 bukan rumus" and exported[0]["cara_pengisian"] == "import"
    assert "f" * 64 not in out.read_text()
    Response.objects.all().delete()
    call_command("import_responses", str(out), "--period", "2023-S2", stdout=io.StringIO())
    assert sorted(Response.objects.values_list("unit__kode", "umur")) == [("UPP001", 71), ("UPP016", 34)]
    assert Response.objects.get(unit__kode="UPP016").saran == "=1+1 bukan rumus"  # the same text again
