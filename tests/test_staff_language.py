"""The staff pages speak Indonesian throughout: import problems, the audit trail, the login error."""

from __future__ import annotations

import ast
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from reports.templatetags.city_table import _Numbers
from reports.templatetags.skm_format import angka
from skm_portal.import_problems import ImportFailed, RowError
from tests.factories import PASSWORD, UserFactory
from units.models import AUDIT_ACTION_LABELS
from units.services.audit import audit_record

ROOT = Path(__file__).resolve().parent.parent


def test_import_problems_name_the_row_in_the_active_language():
    failure = ImportFailed([RowError(3, "u2", "x"), RowError(None, "-", "y")])
    with translation.override("id"):
        assert failure.lines() == ["baris 3: u2: x", "berkas: y"]
    with translation.override("en"):
        assert failure.lines() == ["row 3: u2: x", "file: y"]


def _recorded_actions() -> set[str]:
    """Every action code passed to audit_record in the portal's code (a computed one fails the test)."""
    actions: set[str] = set()
    for path in [*ROOT.glob("skm_portal/**/*.py"), *ROOT.glob("surveys/**/*.py"), *ROOT.glob("units/**/*.py"),
                 *ROOT.glob("reports/**/*.py")]:  # fmt: skip
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record"):
                continue
            (action,) = [keyword.value for keyword in node.keywords if keyword.arg == "action"]
            values = [action.body, action.orelse] if isinstance(action, ast.IfExp) else [action]
            assert all(isinstance(value, ast.Constant) for value in values), f"{path}: action is not a literal"
            actions |= {value.value for value in values}
    return actions


def test_every_recorded_audit_action_has_an_indonesian_label():
    actions = _recorded_actions()
    assert {"periode_kunci", "rencana_tambah", "tanda_ditinjau", "saran_dibuka"} <= actions  # the scan finds them
    assert actions <= AUDIT_ACTION_LABELS.keys()
    with translation.override("en"):
        english = {action: str(AUDIT_ACTION_LABELS[action]) for action in actions}
    with translation.override("id"):
        untranslated = [action for action in actions if str(AUDIT_ACTION_LABELS[action]) == english[action]]
    assert not untranslated


@pytest.mark.django_db
def test_the_audit_trail_shows_labels_and_flag_names_not_codes(city_admin):
    audit_record(user=city_admin.user, action="periode_kunci", periode="2023-S2")
    audit_record(user=city_admin.user, action="tanda_ditinjau", periode="2023-S2", detail="burst: dicek, <b>wajar</b>")
    audit_record(user=city_admin.user, action="riwayat_ikm", detail="burst: 80")  # no flag: left as written
    html = city_admin.get(reverse("units:audit")).content.decode()
    assert "Periode dikunci" in html and "Tanda kualitas data ditinjau" in html and "Riwayat IKM kota disimpan" in html
    assert "Lonjakan dari satu perangkat: dicek, &lt;b&gt;wajar&lt;/b&gt;" in html  # the note stays escaped
    assert "burst: 80" in html
    for code in ("periode_kunci", "tanda_ditinjau", "riwayat_ikm", "burst: dicek"):
        assert code not in html


@pytest.mark.django_db
def test_a_failed_login_reads_naturally_in_indonesian(client):
    UserFactory(username="petugas")
    response = client.post(reverse("login"), {"username": "petugas", "password": PASSWORD + "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in html
    assert "nama pengguna nama pengguna" not in html.lower()


def test_the_city_tables_numbers_are_written_as_angka_writes_them():
    # reports.templatetags.city_table writes 2.000 rows of numbers without angka's per-number lookups;
    # the text must stay angka's, in either language, for exact ties and floats alike.
    values = [
        0, 7, 14249, 1234567, Fraction(1, 8), Fraction(-5, 1000), Fraction(8989, 100), Fraction(90685, 1000),
        Fraction(2, 3), Decimal("88.305"), Decimal("1000.5"), 0.125, 95.645, 1234.5678, 100.0,
    ]  # fmt: skip
    for language in ("id", "en"):
        with translation.override(language):
            numbers = _Numbers()
            for value in values:
                for places in (0, 1, 2):
                    assert numbers.text(value, places) == angka(value, places), (language, value, places)
    with translation.override("id"):
        assert _Numbers().text(Fraction(90685, 1000)) == "90,69"
