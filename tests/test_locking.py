"""Security review issue 15: what a lock freezes (7), the canonical CSV's formula neutralization and
its format version (6), report texts that are not templates (8), and locking only after a
confirmation that states the consequences (11)."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from reports.models import FrontMatter, HistoricalIkm, PeriodSnapshot
from reports.pdf.city import city_report_pdf
from reports.selectors.canonical_csv import canonical_csv_write
from reports.selectors.lock_preview import LockPreview
from reports.selectors.verification import period_verify
from reports.services.locking import period_lock
from reports.services.report_texts import front_matter_save
from reports.tanggal import tanggal_indonesia
from surveys.exceptions import PeriodLocked
from surveys.models import Period, UnitPeriod
from tests.conftest import import_rows, logged_in, pdf_text, response_row
from tests.factories import (
    PeriodFactory,
    PrioritasFactory,
    ResponseFactory,
    TindakLanjutFactory,
    UnitAdminFactory,
    UserFactory,
)
from units.models import Unit

HYPERLINK = '=HYPERLINK("http://jahat.example","klik")'


def flat(text: str) -> str:
    return " ".join(text.split())


def post_forms(html: str) -> list[str]:
    """The page's POST forms, leaving out the navigation bar's logout."""
    logout = f'action="{reverse("logout")}"'
    return [tag for tag in re.findall(r"<form[^>]*>", html) if 'method="post"' in tag and logout not in tag]


@pytest.fixture
def s2_2023(reference_units, tmp_path, settings):
    """2023-S2 (ended) with responses of UPP016 (4) and UPP017 (1), not locked yet."""
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [response_row(kode_unit="UPP016", umur=str(20 + i)) for i in range(4)]
    rows += [response_row(kode_unit="UPP017", u1="2")]
    return import_rows(tmp_path, rows)


def unit_period(kode: str, period: Period, **values) -> UnitPeriod:
    return UnitPeriod.objects.update_or_create(unit=Unit.objects.get(kode=kode), period=period, defaults=values)[0]


# --- (7) everything the published report shows is frozen with the lock ---------------------------


@pytest.mark.django_db
def test_the_snapshot_keeps_the_words_the_unit_settings_and_the_history(s2_2023):
    FrontMatter.objects.create(period=s2_2023, nomor_surat="000.8.3/1234", tanggal=date(2024, 1, 15))
    unit_period("UPP016", s2_2023, populasi=120, metode="Kuesioner Kertas")
    HistoricalIkm.objects.create(label="2018", urutan=201800, ikm=Decimal("84.12"))
    snapshot = PeriodSnapshot.objects.get(period=period_lock(kode="2023-S2"))
    assert snapshot.format_version == 2
    assert snapshot.front_matter["nomor_surat"] == "000.8.3/1234" and snapshot.front_matter["tanggal"] == "2024-01-15"
    assert snapshot.front_matter["kata_pengantar"].startswith("Dalam rangka peningkatan")
    assert snapshot.unit_settings["UPP016"] == {"populasi": 120, "metode": "Kuesioner Kertas"}
    assert snapshot.unit_settings["UPP017"] == {"populasi": None, "metode": UnitPeriod.DEFAULT_METODE}
    assert len(snapshot.unit_settings) == Unit.objects.filter(aktif=True).count()  # every unit of the report
    assert snapshot.historical_ikm == [{"label": "2018", "urutan": 201800, "ikm": "84.12"}]


@pytest.mark.django_db
def test_a_locked_periods_front_matter_is_refused_and_shown_read_only(s2_2023, city_admin):
    FrontMatter.objects.create(period=s2_2023, tanggal=date(2024, 1, 15))  # signed: nothing left to ask
    url = reverse("reports:front_matter", args=["2023-S2"])
    data = {k: v for k, v in city_admin.get(url).context["form"].initial.items() if k not in ("id", "period") and v}
    assert post_forms(city_admin.get(url).content.decode())  # open: the page saves
    period_lock(kode="2023-S2")
    page = city_admin.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="texts-locked"' in html
    assert post_forms(html) == [] and 'type="submit"' not in html
    assert "H. ACHMAD AFZAN" in html and "disabled" in html  # the texts are shown, read-only
    response = city_admin.post(url, {**data, "penandatangan_nama": "Orang Lain"}, follow=True)
    assert "dikunci" in response.content.decode()
    assert FrontMatter.objects.get(period=s2_2023).penandatangan_nama.startswith("H. ACHMAD AFZAN")
    # The service itself refuses, whatever calls it.
    front = FrontMatter.objects.get(period=s2_2023)
    front.nomor_surat = "999"
    with pytest.raises(PeriodLocked, match="dikunci"):
        front_matter_save(front_matter=front, user=city_admin.user)
    assert FrontMatter.objects.get(period=s2_2023).nomor_surat != "999"


@pytest.mark.django_db
def test_the_city_pdf_of_a_locked_period_prints_its_snapshots_words_and_trend(s2_2023):
    FrontMatter.objects.create(period=s2_2023, penandatangan_nama="Dr. Sebelum Kunci", tanggal=date(2024, 1, 25))
    HistoricalIkm.objects.create(label="2018", urutan=201800, ikm=Decimal("84.12"))
    period_lock(kode="2023-S2")
    locked_on = date(2024, 1, 20)
    PeriodSnapshot.objects.filter(period=s2_2023).update(
        created_at=timezone.make_aware(datetime.combine(locked_on, datetime.min.time().replace(hour=10)))
    )
    # Edited behind the portal's back after publication, and a history value entered later.
    FrontMatter.objects.filter(period=s2_2023).update(penandatangan_nama="Dr. Sesudah Kunci", kota="Kota Lain")
    HistoricalIkm.objects.filter(label="2018").update(ikm=Decimal("70.00"))
    HistoricalIkm.objects.create(label="2019", urutan=201900, ikm=Decimal("71.11"))
    words = flat(pdf_text(city_report_pdf(period=Period.objects.get(kode="2023-S2"))))
    assert "Dr. Sebelum Kunci" in words and "Sesudah" not in words and "Kota Lain" not in words
    assert "Pekalongan, 25 Januari 2024" in words  # the period's date of signature, not the day of locking
    assert tanggal_indonesia(locked_on) not in words
    assert "84,12" in words and "70,00" not in words and "71,11" not in words and "2019" not in words
    assert "dari 2018 hingga 2023-S2" in words


@pytest.mark.django_db
def test_verify_period_names_changed_texts_and_unit_settings(s2_2023):
    unit_period("UPP016", s2_2023, populasi=120)
    period_lock(kode="2023-S2")
    call_command("verify_period", "2023-S2", stdout=io.StringIO())
    FrontMatter.objects.filter(period=s2_2023).update(nomor_surat="999/2024")
    UnitPeriod.objects.filter(unit__kode="UPP016").update(populasi=5000)  # moves the public interval
    unit_period("UPP017", s2_2023, metode="Wawancara")
    result = period_verify(s2_2023)
    assert result.responses_ok and not result.ok
    assert result.differing_texts == ["nomor_surat"]
    assert [change.kode for change in result.differing_settings] == ["UPP016", "UPP017"]
    with pytest.raises(CommandError) as failure:
        call_command("verify_period", "2023-S2", stdout=io.StringIO())
    message = str(failure.value)
    assert "nomor_surat" in message and "UPP016 (populasi 120 -> 5000)" in message
    assert "UPP017 (metode Kuesioner Online -> Wawancara)" in message and "UPP001" not in message


@pytest.fixture
def superuser(db):
    return logged_in(UserFactory(username="admin", is_superuser=True, is_staff=True))


@pytest.mark.django_db
def test_django_admin_cannot_add_change_or_delete_a_locked_periods_unit_settings(s2_2023, superuser):
    setting = unit_period("UPP016", s2_2023, populasi=120)
    open_period = PeriodFactory(kode="2031-S1", status=Period.Status.OPEN)
    other = unit_period("UPP016", open_period, populasi=50)
    period_lock(kode="2023-S2")
    change = reverse("admin:surveys_unitperiod_change", args=[setting.pk])
    page = superuser.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    posted = {"unit": setting.unit_id, "period": s2_2023.pk, "populasi": "5000", "metode": "Kuesioner Online"}
    assert superuser.post(change, posted).status_code == 403
    assert (
        superuser.post(reverse("admin:surveys_unitperiod_delete", args=[setting.pk]), {"post": "yes"}).status_code
        == 403
    )
    bulk = {"action": "delete_selected", "_selected_action": [setting.pk], "post": "yes"}
    assert superuser.post(reverse("admin:surveys_unitperiod_changelist"), bulk).status_code == 403
    add = reverse("admin:surveys_unitperiod_add")
    assert f'value="{s2_2023.pk}"' not in superuser.get(add).content.decode()  # not offered
    unit = Unit.objects.get(kode="UPP017")
    refused = superuser.post(add, {"unit": unit.pk, "period": s2_2023.pk, "populasi": "10", "metode": "x"})
    assert refused.status_code == 200 and not UnitPeriod.objects.filter(unit=unit, period=s2_2023).exists()
    setting.refresh_from_db()
    assert setting.populasi == 120 and period_verify(s2_2023).ok
    # Deleting a unit would delete its locked settings with it: refused too.
    quiet = unit_period("UPP001", s2_2023, populasi=40)  # written behind the portal's back (verify names it)
    assert superuser.post(reverse("admin:units_unit_delete", args=[quiet.unit_id]), {"post": "yes"}).status_code == 403
    assert UnitPeriod.objects.filter(pk=quiet.pk).exists()
    assert [change.kode for change in period_verify(s2_2023).differing_settings] == ["UPP001"]
    # A period not locked stays editable.
    other_change = reverse("admin:surveys_unitperiod_change", args=[other.pk])
    edited = {"unit": other.unit_id, "period": open_period.pk, "populasi": "60", "metode": "Kuesioner Online"}
    assert superuser.post(other_change, edited).status_code == 302
    other.refresh_from_db()
    assert other.populasi == 60


# --- (6) the canonical CSV neutralizes formulas; older snapshots keep their format ---------------


@pytest.fixture
def formula_period(reference_units, settings, tmp_path):
    """2023-S2 with a response whose service type is a spreadsheet formula, and one plain."""
    settings.MEDIA_ROOT = tmp_path / "media"
    period = PeriodFactory(kode="2023-S2", status=Period.Status.OPEN)
    unit = Unit.objects.get(kode="UPP016")
    ResponseFactory(unit=unit, period=period, jenis_layanan=HYPERLINK)
    ResponseFactory(unit=unit, period=period, jenis_layanan="KTP elektronik")
    return period


@pytest.mark.django_db
def test_the_public_csv_carries_no_formula_and_matches_its_hash(formula_period, client):
    period_lock(kode="2023-S2")
    snapshot = PeriodSnapshot.objects.get(period=formula_period)
    download = client.get(reverse("public_responses_csv", args=["2023-S2"]))
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == snapshot.csv_sha256 and snapshot.format_version == 2
    cells = [cell for line in content.decode("utf-8").splitlines() for cell in line.split(",")]
    assert not [cell for cell in cells if cell.lstrip('"').startswith(("=", "+", "-", "@"))]
    assert '"\'=HYPERLINK(""http://jahat.example"",""klik"")"' in content.decode("utf-8")
    assert "KTP elektronik" in content.decode("utf-8")
    assert period_verify(formula_period).ok


@pytest.mark.django_db
def test_a_snapshot_of_format_1_is_verified_against_the_old_bytes(formula_period):
    period_lock(kode="2023-S2")
    old, new = io.BytesIO(), io.BytesIO()
    sha_1, units_1, _rows = canonical_csv_write(period=formula_period, output=old, version=1)
    sha_2, _units, _rows = canonical_csv_write(period=formula_period, output=new, version=2)
    assert HYPERLINK.replace('"', '""') in old.getvalue().decode() and sha_1 != sha_2
    # A period locked before the change: its hash was taken of format 1, as its file was written.
    PeriodSnapshot.objects.filter(period=formula_period).update(
        format_version=1, csv_sha256=sha_1, unit_sha256=units_1
    )
    assert period_verify(formula_period).ok
    call_command("verify_period", "2023-S2", stdout=io.StringIO())
    with pytest.raises(ValueError):
        canonical_csv_write(period=formula_period, output=io.BytesIO(), version=3)


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_existing_snapshots_from_the_current_values(reference_units, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    executor = MigrationExecutor(connection)
    before = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "reports"]
    before.append(("reports", "0007_period_snapshot"))
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        Period_ = apps.get_model("surveys", "Period")
        period = Period_.objects.create(
            kode="2023-S2", tanggal_mulai=date(2023, 7, 1), tanggal_selesai=date(2023, 12, 31), status="locked"
        )
        unit = apps.get_model("units", "Unit").objects.get(kode="UPP016")
        apps.get_model("surveys", "UnitPeriod").objects.create(unit=unit, period=period, populasi=77, metode="Kertas")
        apps.get_model("reports", "HistoricalIkm").objects.create(label="2018", urutan=201800, ikm=Decimal("84.12"))
        apps.get_model("reports", "PeriodSnapshot").objects.create(
            period=period, data={}, rows=0, csv_sha256="0" * 64, unit_sha256={}, csv_file="snapshot/x.csv"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    snapshot = PeriodSnapshot.objects.get(period__kode="2023-S2")
    assert snapshot.format_version == 1 and snapshot.csv_sha256 == "0" * 64
    assert snapshot.front_matter["penandatangan_jabatan"] == "Wali Kota Pekalongan"
    assert snapshot.unit_settings["UPP016"] == {"populasi": 77, "metode": "Kertas"}
    assert snapshot.unit_settings["UPP017"] == {"populasi": None, "metode": UnitPeriod.DEFAULT_METODE}
    assert snapshot.historical_ikm == [{"label": "2018", "urutan": 201800, "ikm": "84.12"}]
    assert FrontMatter.objects.filter(period__kode="2023-S2").exists()


# --- (8) a foreword is text, not a template -------------------------------------------------------


@pytest.mark.django_db
def test_a_foreword_with_other_braces_is_printed_as_written(s2_2023):
    FrontMatter.objects.create(
        period=s2_2023,
        kata_pengantar="Pemerintah {kota} {kota[x]} {kota.upper} {0} {{kota}} periode {periode}.",
        nomor_surat="{kota.__class__}",
    )
    words = flat(pdf_text(city_report_pdf(period=s2_2023)))
    assert (
        "Pemerintah Kota Pekalongan {kota[x]} {kota.upper} {0} {Kota Pekalongan} periode Semester II Tahun 2023."
        in words
    )
    assert "{kota.__class__}" in words and "<built-in" not in words and "object at" not in words


# --- (11) locking needs a confirmation that states the consequences ------------------------------


@pytest.fixture
def collecting(open_period, settings, tmp_path):
    """The current semester, open: UPP016 has 3 responses against a population of 1.000 and no
    plan; UPP017 has 2 responses and a plan."""
    settings.MEDIA_ROOT = tmp_path / "media"
    upp016, upp017 = Unit.objects.get(kode="UPP016"), Unit.objects.get(kode="UPP017")
    for _ in range(3):
        ResponseFactory(unit=upp016, period=open_period)
    for _ in range(2):
        ResponseFactory(unit=upp017, period=open_period)
    unit_period("UPP016", open_period, populasi=1000)
    TindakLanjutFactory(prioritas=PrioritasFactory(unit=upp017, period=open_period))
    return open_period


def figure(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', html)[1].strip()


@pytest.mark.django_db
def test_the_lock_page_states_the_consequences_with_figures(collecting, city_admin):
    periods = city_admin.get(reverse("surveys:periods")).content.decode()
    url = reverse("reports:period_lock", args=[collecting.kode])
    assert url in periods and not [f for f in post_forms(periods) if url in f]  # a link, not a one-click lock
    html = city_admin.get(url).content.decode()
    days = (collecting.tanggal_selesai - timezone.localdate()).days + 1
    assert figure(html, "lock-respondents") == "5"
    assert figure(html, "lock-below-minimum") == "1"  # UPP016: 3 of a minimum of 278
    assert figure(html, "lock-without-population") == "1"  # UPP017
    assert figure(html, "lock-without-plan") == "1"  # UPP016
    assert figure(html, "lock-days-left") == str(days)
    assert (
        'id="lock-before-end"' in html
        and 'id="lock-collecting"' in html
        and 'name="kode"' in html
        and 'name="konfirmasi"' in html
    )
    assert Period.objects.get(pk=collecting.pk).status == Period.Status.OPEN


@pytest.mark.django_db
def test_locking_needs_the_confirmation_and_before_the_end_the_typed_code(collecting, city_admin):
    url = reverse("reports:period_lock", args=[collecting.kode])
    assert city_admin.post(url).status_code == 200
    assert city_admin.post(url, {"kode": collecting.kode}).status_code == 200  # not confirmed
    assert city_admin.post(url, {"konfirmasi": "on"}).status_code == 200  # the code not typed
    wrong = city_admin.post(url, {"konfirmasi": "on", "kode": "2023-S2"})
    assert wrong.status_code == 200 and "kode" in wrong.context["form"].errors
    assert Period.objects.get(pk=collecting.pk).status == Period.Status.OPEN
    assert not PeriodSnapshot.objects.exists()
    done = city_admin.post(url, {"konfirmasi": "on", "kode": f" {collecting.kode} "})
    assert done.status_code == 302 and Period.objects.get(pk=collecting.pk).is_locked
    assert PeriodSnapshot.objects.filter(period=collecting).exists()


@pytest.mark.django_db
def test_an_ended_period_locks_with_the_confirmation_alone(s2_2023, city_admin, unit_admin):
    url = reverse("reports:period_lock", args=["2023-S2"])
    html = city_admin.get(url).content.decode()
    assert 'name="kode"' not in html and figure(html, "lock-days-left") == "0"
    assert unit_admin.post(url, {"konfirmasi": "on"}).status_code == 404  # city admins only
    assert city_admin.post(url, {"konfirmasi": "on"}).status_code == 302
    assert Period.objects.get(kode="2023-S2").is_locked
    assert city_admin.get(url).status_code == 302  # already locked: back to the periods


@pytest.mark.django_db
def test_the_pages_of_a_locked_period_offer_no_save_buttons(s2_2023, city_admin):
    staff = logged_in(UnitAdminFactory(unit__kode="UPP016").user)
    prioritas = reverse("reports:prioritas", args=["UPP016", "2023-S2"])
    rencana = reverse("reports:rencana", args=["UPP016", "2023-S2"])
    dashboard = reverse("reports:unit_dashboard", args=["UPP016"])
    settings_url = reverse("reports:unit_period_settings", args=["UPP016", "2023-S2"])
    FrontMatter.objects.create(period=s2_2023, tanggal=date(2024, 1, 15))  # signed: nothing left to ask
    staff.post(prioritas, {"prioritas_1": "U3"})
    assert post_forms(staff.get(prioritas).content.decode())  # open: they save
    assert settings_url in staff.get(dashboard, {"periode": "2023-S2"}).content.decode()
    period_lock(kode="2023-S2")
    for page in (prioritas, rencana):
        html = staff.get(page).content.decode()
        assert post_forms(html) == [] and 'type="submit"' not in html, page
    html = staff.get(dashboard, {"periode": "2023-S2"}).content.decode()
    assert settings_url not in html and 'id="unit-settings-locked"' in html
    html = city_admin.get(reverse("reports:front_matter", args=["2023-S2"])).content.decode()
    assert post_forms(html) == [] and 'type="submit"' not in html


@pytest.mark.django_db
def test_the_lock_command_still_locks_at_once(s2_2023):
    call_command("lock_period", "2023-S2", stdout=io.StringIO())
    assert Period.objects.get(kode="2023-S2").is_locked and PeriodSnapshot.objects.count() == 1


def test_days_left_count_today_and_end_at_zero():
    period = Period(kode="2023-S2", tanggal_mulai=date(2023, 7, 1), tanggal_selesai=date(2023, 12, 31), status="open")
    last_day = LockPreview(period=period, today=date(2023, 12, 31), results=[], with_rencana=frozenset())
    after = LockPreview(
        period=period, today=date(2023, 12, 31) + timedelta(days=1), results=[], with_rencana=frozenset()
    )
    assert (last_day.days_left, last_day.ended, last_day.collecting) == (1, False, True)
    assert (after.days_left, after.ended, after.collecting) == (0, True, False)
    before = LockPreview(period=period, today=date(2023, 1, 5), results=[], with_rencana=frozenset())
    assert (before.days_left, before.ended, before.collecting) == (184, False, False)  # the whole semester


@pytest.mark.django_db
def test_the_lock_page_asks_for_the_place_and_date_of_signature_until_they_are_set(collecting, city_admin):
    url = reverse("reports:period_lock", args=[collecting.kode])
    html = city_admin.get(url).content.decode()
    assert 'id="lock-no-signature"' in html and reverse("reports:front_matter", args=[collecting.kode]) in html
    FrontMatter.objects.update_or_create(
        period=collecting, defaults={"tempat": "Pekalongan", "tanggal": collecting.tanggal_selesai}
    )
    assert 'id="lock-no-signature"' not in city_admin.get(url).content.decode()
