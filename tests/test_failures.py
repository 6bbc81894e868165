"""Failures of parts we do not control: the database going away in the middle of an import."""

import io
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from surveys.models import ImportBatch, Response
from surveys.services import response_import
from tests.conftest import response_row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_connection_lost_during_an_import_stores_nothing_and_the_next_run_imports_all(
    reference_units, tmp_path, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("terminates a real PostgreSQL session: runs in CI's PostgreSQL pass")
    rows = [response_row(kode_unit=f"UPP{n % 79 + 1:03d}", umur=str(20 + n % 50)) for n in range(3000)]
    path = write_csv(tmp_path / "r.csv", rows)
    open_writer = response_import.responses_writer

    @contextmanager
    def writer_losing_the_server(**kwargs):
        with open_writer(**kwargs) as write:

            def write_then_lose_the_server(rows, texts, hashes, themes):
                write(rows, texts, hashes, themes)  # the file's rows are on their way into the table...
                pid = connection.connection.info.backend_pid
                settings = connection.settings_dict
                with psycopg.connect(
                    host=settings["HOST"],
                    port=settings["PORT"],
                    user=settings["USER"],
                    password=settings["PASSWORD"] or None,
                    dbname=settings["NAME"],
                    autocommit=True,
                ) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", [pid])  # ...when the server drops the session
                write(rows, texts, hashes, themes)

            yield write_then_lose_the_server

    monkeypatch.setattr(response_import, "responses_writer", writer_losing_the_server)
    with pytest.raises(CommandError, match="tidak ada yang diimpor"):
        call_command("import_responses", str(path), "--period", "2023-S2", stdout=io.StringIO(), stderr=io.StringIO())
    connection.close()  # the next query opens a new session
    assert Response.objects.count() == 0
    assert ImportBatch.objects.count() == 0

    monkeypatch.undo()
    call_command("import_responses", str(path), "--period", "2023-S2", stdout=io.StringIO())
    assert Response.objects.count() == 3000
