"""The counter kiosk (issue 18): pairing and revoking devices, the kiosk's questionnaire, the
channel, device and filling duration on every response, channel counts in the report, and the
flags that understand a counter (no burst for a queue, too_fast for a tap-through)."""

from __future__ import annotations

import io
import json
import uuid
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.pdf.city import city_report_context
from reports.selectors import flags as quality
from reports.selectors.results import unit_results
from surveys.models import KeyedTally, KioskDevice, Response
from surveys.selectors.tally_counts import tallies_differing
from surveys.services.submissions import response_submit
from tests.conftest import import_rows, questionnaire_answers, response_row
from units.models import AuditEvent, Unit

pytestmark = pytest.mark.django_db

KIOSK = reverse("surveys:kiosk")


def devices_url(kode: str = "UPP017") -> str:
    return reverse("surveys:kiosk_devices", args=[kode])


def add_device(admin: Client, nama: str = "Loket 1", kode: str = "UPP017") -> tuple[KioskDevice, str]:
    page = admin.post(devices_url(kode), {"nama": nama, "ikon_wajah": "on"})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    code = page.context["code"]
    assert code.replace("-", "") in page.context["url"] and "<svg" in page.content.decode()
    return KioskDevice.objects.get(unit__kode=kode, nama=nama), code


def paired_tablet(admin: Client, nama: str = "Loket 1") -> tuple[KioskDevice, Client]:
    device, code = add_device(admin, nama)
    tablet = Client()
    assert tablet.get(reverse("surveys:kiosk_pair_code", args=[code.replace("-", "")])).status_code == 200
    paired = tablet.post(reverse("surveys:kiosk_pair"), {"kode": code})
    assert paired.status_code == 302 and paired["Location"] == KIOSK
    return device, tablet


def kiosk_post(tablet: Client, seconds: float = 60, opened=None, json_answer: bool = False, **overrides):
    """One respondent: the form shown `seconds` before it was sent (device clock)."""
    opened = opened or timezone.now() - timedelta(seconds=seconds)
    sent = opened + timedelta(seconds=seconds)
    data = questionnaire_answers(
        jenis_layanan=None, dibuka_pada=opened.isoformat(), diisi_pada=sent.isoformat(),
        dikirim_pada=sent.isoformat(), **overrides,
    )  # fmt: skip
    headers = {"HTTP_ACCEPT": "application/json"} if json_answer else {}
    return tablet.post(KIOSK, data, **headers)


def test_a_paired_tablet_serves_respondents_with_channel_device_and_duration(open_period, unit_admin):
    device, tablet = paired_tablet(unit_admin)
    page = tablet.get(KIOSK)
    html = page.content.decode()
    assert page.status_code == 200 and "Loket 1" in html and "kiosk-wajah" in html and 'data-idle-seconds="90"' in html
    assert "no-store" in page["Cache-Control"]
    assert 'href="/' not in html.split("<main", 1)[1]  # no link leaves the kiosk
    for age in ("31", "42", "53"):
        sent = kiosk_post(tablet, seconds=75, umur=age)
        assert sent.status_code == 302 and sent["Location"] == reverse("surveys:kiosk_thanks")
    responses = Response.objects.order_by("pk")
    assert [(r.channel, r.device_id, r.durasi_detik, r.umur) for r in responses] == [
        ("kiosk", device.pk, 75, age) for age in (31, 42, 53)
    ]
    again = responses[0]
    repeat = kiosk_post(tablet, json_answer=True, submission_id=str(again.submission_id), umur="31")
    assert repeat.json() == {"status": "ok"} and Response.objects.count() == 3  # one response per device-made id
    thanks = tablet.get(reverse("surveys:kiosk_thanks"))
    assert f'content="5;url={KIOSK}"' in thanks.content.decode()
    listed = unit_admin.get(devices_url()).content.decode()
    assert "Loket 1" in listed and ">3</td>" in listed  # responses today
    assert tallies_differing(period_id=open_period.pk) == []  # channel and duration tallies agree with the rows
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"loket_tambah", "loket_pasang"}


def test_a_pairing_code_works_once_and_a_kiosk_costs_one_statement_more_than_the_phone(open_period, unit_admin):
    device, code = add_device(unit_admin)
    Client().post(reverse("surveys:kiosk_pair"), {"kode": code})
    second = Client().post(reverse("surveys:kiosk_pair"), {"kode": code})
    assert second.status_code == 400 and "sudah digunakan" in second.content.decode()
    assert Client().get(KIOSK).status_code == 403  # no credential: the kiosk screen says so
    _device, tablet = paired_tablet(unit_admin, "Loket 2")
    kiosk_post(tablet)
    online = Client()
    online.post(reverse("surveys:questionnaire", args=["UPP016"]), questionnaire_answers(), REMOTE_ADDR="198.51.100.7")

    def statements(send) -> int:
        with CaptureQueriesContext(connection) as captured:
            send()
        return len([q for q in captured if q["sql"] not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "SAVEPOINT")])

    phone = statements(
        lambda: online.post(
            reverse("surveys:questionnaire", args=["UPP016"]),
            questionnaire_answers(umur="40"),
            REMOTE_ADDR="198.51.100.7",
        )
    )
    kiosk = statements(lambda: kiosk_post(tablet, umur="41"))
    assert kiosk <= phone + 1, (kiosk, phone)


def test_a_revoked_device_is_refused_with_a_reason_and_the_revoke_is_audited(open_period, unit_admin):
    device, tablet = paired_tablet(unit_admin)
    revoke = unit_admin.post(reverse("surveys:kiosk_device_revoke", args=["UPP017", device.pk]))
    assert revoke.status_code == 302
    assert AuditEvent.objects.filter(action="loket_cabut", unit__kode="UPP017", detail="Loket 1").exists()
    screen = tablet.get(KIOSK)
    assert screen.status_code == 403 and "dicabut" in screen.content.decode()
    queued = kiosk_post(tablet, json_answer=True)
    assert queued.status_code == 403
    assert queued.json()["status"] == "refused" and "dicabut" in queued.json()["message"]
    assert not Response.objects.exists()
    assert "dicabut" in unit_admin.get(devices_url()).content.decode()
    tampered = Client()
    tampered.cookies["skm_loket"] = "not-signed"
    assert tampered.get(KIOSK).status_code == 403  # unknown: never a 500


def test_a_revoked_devices_retry_of_a_stored_form_hears_it_was_stored(open_period, unit_admin):
    # The queue sends a form again when the answer to its first post got lost.
    device, tablet = paired_tablet(unit_admin)
    submission_id = str(uuid.uuid4())
    assert kiosk_post(tablet, json_answer=True, submission_id=submission_id).json()["status"] == "ok"
    assert unit_admin.post(reverse("surveys:kiosk_device_revoke", args=["UPP017", device.pk])).status_code == 302
    again = kiosk_post(tablet, json_answer=True, submission_id=submission_id)
    assert (again.status_code, again.json()["status"]) == (200, "ok")
    page = kiosk_post(tablet, submission_id=submission_id)
    assert page.status_code == 302 and page["Location"] == reverse("surveys:kiosk_thanks")
    new = kiosk_post(tablet, json_answer=True)
    assert new.status_code == 403 and "dicabut" in new.json()["message"]
    # Another tablet's stored form is no retry of this one.
    other, other_tablet = paired_tablet(unit_admin, nama="Loket 2")
    stored_elsewhere = str(uuid.uuid4())
    assert kiosk_post(other_tablet, json_answer=True, submission_id=stored_elsewhere).status_code == 200
    assert kiosk_post(tablet, json_answer=True, submission_id=stored_elsewhere).status_code == 403
    assert Response.objects.filter(device=device).count() == 1 and Response.objects.count() == 2


def test_every_device_url_is_404_for_another_units_admin(open_period, unit_admin, other_unit_admin):
    device, _code = add_device(unit_admin)
    for url in (
        devices_url("UPP017"),
        reverse("surveys:kiosk_device_code", args=["UPP017", device.pk]),
        reverse("surveys:kiosk_device_revoke", args=["UPP017", device.pk]),
    ):
        assert other_unit_admin.get(url).status_code in (404, 405)
        assert other_unit_admin.post(url, {"nama": "x"}).status_code == 404, url
    # Through the outsider's own unit, the device is not found either.
    for name in ("surveys:kiosk_device_code", "surveys:kiosk_device_revoke"):
        assert other_unit_admin.post(reverse(name, args=["UPP001", device.pk])).status_code == 404
    assert Client().get(devices_url()).status_code == 302  # login first
    device.refresh_from_db()
    assert device.revoked_at is None and KioskDevice.objects.count() == 1


def submit(unit: Unit, channel: str, filled, **extra) -> Response:
    answers = {k: v for k, v in questionnaire_answers(jenis_layanan="", saran="").items() if k != "submission_id"}
    answers = {k: int(v) if k == "umur" or k.startswith("u") else v for k, v in answers.items()}
    response, _created = response_submit(
        unit=unit, answers=answers, submission_id=uuid.uuid4(), channel=channel, filled_at=filled,
        sent_at=timezone.now(), **extra,
    )  # fmt: skip
    return response


def unit_flags(period, kode: str, code: str | None = None) -> list:
    (result,) = unit_results(period=period, units=[Unit.objects.get(kode=kode)])
    return [flag for flag in quality.unit_flags(period=period, result=result) if code in (None, flag.code)]


def flag_codes(period, kode: str) -> list[str]:
    return [flag.code for flag in unit_flags(period, kode)]


def test_a_counter_queue_every_40_seconds_is_no_burst_but_a_phone_at_that_pace_is(open_period):
    kiosk_unit, phone_unit = Unit.objects.get(kode="UPP017"), Unit.objects.get(kode="UPP001")
    device = KioskDevice.objects.create(unit=kiosk_unit, nama="Loket 1")
    start = timezone.now() - timedelta(hours=1)
    for i in range(60):  # an hour at the counter, one respondent every 40 s
        submit(kiosk_unit, "kiosk", start + timedelta(seconds=40 * i), device_id=device.pk, opened_at=None)
        submit(phone_unit, "online", start + timedelta(seconds=40 * i), client_hash="a" * 64)
    assert "burst" not in flag_codes(open_period, "UPP017")
    assert "burst" in flag_codes(open_period, "UPP001")  # the same pace from one phone is a burst


def test_ten_responses_filled_in_8_seconds_raise_too_fast_on_any_channel(
    open_period, unit_admin, city_admin, client, settings
):
    _device, tablet = paired_tablet(unit_admin)
    for age in range(20, 30):
        kiosk_post(tablet, seconds=30, umur=str(age))  # a plausible pace: under no floor
    assert "too_fast" not in flag_codes(open_period, "UPP017")
    for age in range(30, 40):
        assert kiosk_post(tablet, seconds=8, umur=str(age)).status_code == 302
    (too_fast,) = unit_flags(open_period, "UPP017", "too_fast")
    assert too_fast.facts["count"] == 10 and too_fast.facts["fastest"] == 8
    assert "10" in too_fast.evidence and "20" in too_fast.evidence
    reviewed = city_admin.post(
        reverse("reports:flag_review", args=["UPP017", open_period.kode, "too_fast"]), {"catatan": "Dicek di loket."}
    )
    assert reviewed.status_code == 302
    (too_fast,) = unit_flags(open_period, "UPP017", "too_fast")
    assert too_fast.reviewed
    # The public form keeps its duration too: the floor applies to every channel with one.
    opened = timezone.now() - timedelta(seconds=8)
    for age in range(40, 45):
        client.post(
            reverse("surveys:questionnaire", args=["UPP016"]),
            questionnaire_answers(
                umur=str(age), dibuka_pada=opened.isoformat(), diisi_pada=(opened + timedelta(seconds=8)).isoformat()
            ),
            REMOTE_ADDR=f"198.51.100.{age}",
        )
    assert set(Response.objects.filter(unit__kode="UPP016").values_list("channel", "durasi_detik")) == {("online", 8)}
    assert "too_fast" in flag_codes(open_period, "UPP016")
    settings.SKM_FLAG_TOO_FAST_SECONDS = 8  # the floor is a setting: 8 s is not under 8 s
    assert "too_fast" not in flag_codes(open_period, "UPP016")


def test_the_report_json_and_the_pdf_method_column_follow_the_stored_channels(reference_units, tmp_path):
    period = import_rows(tmp_path, [response_row(kode_unit="UPP016"), response_row(kode_unit="UPP017")])
    unit = Unit.objects.get(kode="UPP016")
    device = KioskDevice.objects.create(unit=unit, nama="Loket 1")
    # Two kiosk responses and one paper questionnaire typed in, in the same semester as the import.
    Response.objects.filter(unit=unit).update(channel="kiosk", device=device)
    call_command("rebuild_tallies", period.kode, stdout=io.StringIO())
    output = tmp_path / "r.json"
    call_command(
        "skm_report", "--period", period.kode, "--format", "json", "--output", str(output), stdout=io.StringIO()
    )
    units = {u["code"]: u for u in json.loads(output.read_text(encoding="utf-8"))["units"]}
    assert units["UPP016"]["channels"] == {"online": 0, "paper": 0, "import": 0, "kiosk": 1}
    assert units["UPP017"]["channels"] == {"online": 0, "paper": 0, "import": 1, "kiosk": 0}
    assert units["UPP016"]["method"] == "Kuesioner Online"  # the declared setting, unchanged
    import_rows(tmp_path, [response_row(kode_unit="UPP016", umur="50")], name="kertas.csv")  # channel import
    rows = {row.result.kode: row.result.metode_mix for row in city_report_context(period=period)["rows"]}
    # An import says nothing of how it was collected: it counts under the declared method.
    assert rows == {"UPP016": "Kuesioner Online 50 %, Kuesioner Elektronik (loket) 50 %", "UPP017": "Kuesioner Online"}
    recap = tmp_path / "rekap.xlsx"
    call_command(
        "skm_report", "--period", period.kode, "--format", "xlsx", "--output", str(recap), stdout=io.StringIO()
    )
    sheet = openpyxl.load_workbook(recap, read_only=True).worksheets[0]
    header, *lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    method = header.index("Metode SKM")
    recap_methods = {line[2]: line[method] for line in lines if line[2] in ("UPP016", "UPP017")}
    assert recap_methods == rows  # the Excel recap says what the PDF says
    KeyedTally.objects.filter(kind="channel").delete()
    rows = {row.result.kode: row.result.metode_mix for row in city_report_context(period=period)["rows"]}
    assert rows["UPP016"] == "Kuesioner Online"  # nothing counted: the declared method


def test_the_unit_dashboard_shows_the_channel_mix(open_period, unit_admin):
    _device, tablet = paired_tablet(unit_admin)
    kiosk_post(tablet)
    html = unit_admin.get(reverse("reports:unit_dashboard", args=["UPP017"])).content.decode()
    assert "Metode survei (dari respons): Kuesioner Elektronik (loket)" in html
    assert reverse("surveys:kiosk_devices", args=["UPP017"]) in html


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_channels_of_the_responses_already_stored(reference_units):
    executor = MigrationExecutor(connection)
    before = [("surveys", "0011_response_fewer_indexes")]
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        period = apps.get_model("surveys", "Period").objects.create(
            kode="2023-S2", tanggal_mulai=date(2023, 7, 1), tanggal_selesai=date(2023, 12, 31), status="open"
        )
        unit = apps.get_model("units", "Unit").objects.get(kode="UPP016")
        answers = {f"u{k}": 3 for k in range(1, 10)}
        profile = {"umur": 30, "jenis_kelamin": "L", "pendidikan": "S1", "pekerjaan": "KARYAWAN"}
        moment = timezone.make_aware(datetime(2023, 8, 1, 9))
        apps.get_model("surveys", "Response").objects.bulk_create(
            apps.get_model("surveys", "Response")(
                unit=unit, period=period, submitted_at=moment, channel=channel, **profile, **answers
            )
            for channel in ("online", "online", "paper")
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    counted = KeyedTally.objects.filter(kind="channel", unit__kode="UPP016").values_list("value", "count")
    assert sorted(counted) == [("online", 2), ("paper", 1)]


def test_the_city_dashboard_shows_the_city_wide_mix_and_each_units(open_period, unit_admin, city_admin):
    _device, tablet = paired_tablet(unit_admin)
    for age in ("30", "31", "32"):
        kiosk_post(tablet, umur=age)
    Client().post(
        reverse("surveys:questionnaire", args=["UPP016"]), questionnaire_answers(), REMOTE_ADDR="198.51.100.5"
    )
    html = city_admin.get(reverse("reports:city_dashboard") + f"?periode={open_period.kode}").content.decode()
    assert "Kuesioner Online 25 %, Kuesioner Elektronik (loket) 75 %" in html
    # Each unit's column, as the report's "Metode SKM" writes it.
    row = {line[8:14]: line for line in html.splitlines() if line.startswith("<tr><td>UPP")}
    assert '<td class="small">Kuesioner Elektronik (loket)</td>' in row["UPP017"]
    assert '<td class="small">Kuesioner Online</td>' in row["UPP016"]
    assert "<th>Metode SKM</th>" in html


def test_the_django_admin_lists_every_units_devices_without_their_hashes_or_changes(
    open_period, unit_admin, admin_client
):
    device, _tablet = paired_tablet(unit_admin)
    listing = admin_client.get(reverse("admin:surveys_kioskdevice_changelist"))
    assert listing.status_code == 200 and "Loket 1" in listing.content.decode()
    device.refresh_from_db()
    page = admin_client.get(reverse("admin:surveys_kioskdevice_change", args=[device.pk])).content.decode()
    assert device.unit.nama in page and len(device.token_hash) == 64 and device.token_hash not in page
    assert admin_client.get(reverse("admin:surveys_kioskdevice_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:surveys_kioskdevice_delete", args=[device.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert KioskDevice.objects.filter(pk=device.pk, revoked_at=None).exists()
