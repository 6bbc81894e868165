"""Issue 10 over HTTP: the questionnaire's JSON answers for queued (offline) sends, the filling time
and its period, the privacy notice, and the retention of client hashes."""

import io
import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Period, RateLimitBucket, Response
from surveys.services import period_lock, responses_export_csv
from units.access import CITY_ADMIN_GROUP
from units.models import AuditEvent, Unit, UnitAdmin

from test_questionnaire import answers, url

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
LOCKED_MESSAGE = "Periode survei sudah ditutup; jawaban ini tidak dapat dikirim."


def filled(delta=timedelta()):
    return (timezone.now() + delta).isoformat()


def send(client, data, **extra):
    return client.post(url(), data, **JSON, **extra)


def test_a_queued_send_is_stored_and_answered_ok_with_its_filling_time(open_period, client):
    when = timezone.now() - timedelta(hours=5)
    response = send(client, answers(diisi_pada=when.isoformat()))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    stored = Response.objects.get()
    assert stored.period == open_period and stored.channel == "online"
    assert abs(stored.diisi_pada - when) < timedelta(seconds=1)
    assert stored.submitted_at > stored.diisi_pada


def test_a_repeat_answers_the_same_success_and_stores_once(open_period, client, settings):
    data = answers(diisi_pada=filled())
    assert [send(client, data).json() for _ in range(3)] == [{"status": "ok"}] * 3
    assert Response.objects.count() == 1
    # Even when the answer got lost and meanwhile the limit is reached or the period locked.
    settings.SKM_SUBMISSIONS_PER_HOUR = 1
    period_lock(kode=open_period.kode)
    assert send(client, data).json() == {"status": "ok"}
    assert Response.objects.count() == 1


def test_an_incomplete_send_is_invalid_with_its_errors(open_period, client):
    response = send(client, answers(u4=None, umur="300"))
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "invalid" and sorted(body["errors"]) == ["u4", "umur"]
    assert body["errors"]["u4"] == ["Pilih salah satu jawaban untuk pertanyaan ini."]
    assert "tidak lengkap" in body["message"]
    assert send(client, answers(diisi_pada="kemarin sore")).json()["errors"].keys() == {"diisi_pada"}
    assert Response.objects.count() == 0


def test_a_send_into_a_locked_period_is_refused_with_a_message(open_period, client):
    period_lock(kode=open_period.kode)
    response = send(client, answers(diisi_pada=filled(-timedelta(hours=1))))
    assert response.status_code == 409
    assert response.json() == {"status": "refused", "message": LOCKED_MESSAGE}
    assert Response.objects.count() == 0


def test_the_filling_time_decides_the_period(open_period, client):
    today = timezone.localdate()
    Period.objects.filter(pk=open_period.pk).update(tanggal_mulai=today)
    earlier = Period.objects.create(
        kode="2099-S1", tanggal_mulai=today - timedelta(days=30), tanggal_selesai=today - timedelta(days=1), status="open"
    )
    assert send(client, answers(diisi_pada=filled(-timedelta(days=2)))).json() == {"status": "ok"}
    assert send(client, answers(diisi_pada=filled())).json() == {"status": "ok"}
    assert list(Response.objects.order_by("pk").values_list("period__kode", flat=True)) == [earlier.kode, open_period.kode]
    # Once the earlier period is locked, what was filled in during it cannot come in any more.
    period_lock(kode=earlier.kode)
    assert send(client, answers(diisi_pada=filled(-timedelta(days=2)))).json()["message"] == LOCKED_MESSAGE
    # A day no period was open on.
    Period.objects.filter(pk=earlier.pk).update(tanggal_selesai=today - timedelta(days=3))
    refused = send(client, answers(diisi_pada=filled(-timedelta(days=2)))).json()
    assert refused["status"] == "refused" and "Tidak ada periode survei" in refused["message"]
    assert Response.objects.count() == 2


def test_a_filling_time_in_the_future_is_refused_beyond_the_clock_skew(open_period, client, settings):
    settings.SKM_CLOCK_SKEW_SECONDS = 300
    response = send(client, answers(diisi_pada=filled(timedelta(minutes=10))))
    assert response.status_code == 409 and "masa depan" in response.json()["message"]
    assert send(client, answers(diisi_pada=filled(timedelta(minutes=4)))).json() == {"status": "ok"}
    assert Response.objects.get().diisi_pada <= timezone.now()  # a clock a little ahead is never stored


def test_a_filling_time_too_old_is_refused(open_period, client, settings):
    settings.SKM_OFFLINE_MAX_AGE_DAYS = 7
    Period.objects.filter(pk=open_period.pk).update(tanggal_mulai=timezone.localdate() - timedelta(days=30))
    response = send(client, answers(diisi_pada=filled(-timedelta(days=8))))
    assert response.status_code == 409
    assert response.json()["message"] == "Jawaban ini diisi lebih dari 7 hari yang lalu dan tidak dapat dikirim lagi."
    assert send(client, answers(diisi_pada=filled(-timedelta(days=6)))).json() == {"status": "ok"}
    assert Response.objects.count() == 1


def test_queued_sends_are_rate_limited(open_period, client, settings):
    settings.SKM_SUBMISSIONS_PER_HOUR = 2
    statuses = [send(client, answers(diisi_pada=filled())).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = send(client, answers(diisi_pada=filled()))
    assert limited.json()["status"] == "rate_limited" and "Terlalu banyak" in limited.json()["message"]
    assert int(limited["Retry-After"]) == 3600  # two tokens at 2 an hour: the debt and the next send
    assert Response.objects.count() == 2


def test_the_honeypot_answers_ok_and_stores_nothing(open_period, client):
    response = send(client, answers(website="http://spam.example", diisi_pada=filled()))
    assert response.json() == {"status": "ok"}
    assert Response.objects.count() == 0


def test_an_inactive_unit_refuses_a_queued_send(open_period, client):
    Unit.objects.filter(kode="UPP016").update(aktif=False)
    response = send(client, answers(diisi_pada=filled()))
    assert response.status_code == 409 and "ditutup" in response.json()["message"]
    assert Response.objects.count() == 0


def test_a_queued_send_without_a_valid_csrf_token_is_forbidden(open_period):
    client = Client(enforce_csrf_checks=True)
    assert send(client, answers(diisi_pada=filled())).status_code == 403  # the script fetches a fresh token
    assert Response.objects.count() == 0


def test_without_javascript_the_server_time_is_the_filling_time(open_period, client):
    before = timezone.now()
    response = client.post(url(), answers())
    assert response.status_code == 302 and response["Location"] == reverse("surveys:thanks", args=["UPP016"])
    stored = Response.objects.get()
    assert before <= stored.diisi_pada <= stored.submitted_at


def test_a_plain_post_with_a_garbled_filling_time_gets_a_fresh_form(open_period, client):
    response = client.post(url(), answers(diisi_pada="xx"))
    assert response.status_code == 200 and "Formulir belum lengkap" in response.content.decode()
    assert not re.search(r'name="diisi_pada" value="xx"', response.content.decode())
    assert Response.objects.count() == 0


def test_a_plain_post_refused_for_its_filling_time_says_why(open_period, client):
    response = client.post(url(), answers(diisi_pada=filled(timedelta(hours=3))))
    assert response.status_code == 200 and "masa depan" in response.content.decode()
    assert Response.objects.count() == 0


def test_the_export_dates_a_response_by_its_filling_time(open_period, client):
    when = timezone.now() - timedelta(days=1)
    send(client, answers(diisi_pada=when.isoformat()))
    output = io.StringIO()
    responses_export_csv(period=open_period, output=output)
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in output.getvalue()


def test_the_service_worker_is_served_with_a_scope_covering_the_forms(client):
    response = client.get(reverse("surveys:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript") and response["Cache-Control"] == "no-cache"
    assert reverse("surveys:service_worker") == "/survei/sw.js"  # its default scope is /survei/
    body = response.content.decode()
    assert 'importScripts("/static/js/survey-queue.js", "/static/js/survey-sw.js")' in body


def test_the_form_tells_its_script_what_it_needs(open_period, client):
    html = client.get(url()).content.decode()
    assert 'data-service-worker="/survei/sw.js"' in html and 'data-thanks-url="/survei/UPP016/terima-kasih/"' in html
    assert 'data-text-queued="Tersimpan, akan dikirim' in html
    assert 'name="diisi_pada"' in html


# Privacy notice

def city_admin():
    user = User.objects.create_user("organisasi", password="rahasia-panjang-123")
    user.groups.add(Group.objects.get_or_create(name=CITY_ADMIN_GROUP)[0])
    return user


def test_the_form_states_what_is_collected_before_the_first_question(open_period, client):
    html = client.get(url()).content.decode()
    notice = html.index('href="/privasi/"')
    assert notice < html.index('name="umur"') < html.index('name="u1"')
    assert "NIK" in html[:notice] and "nomor telepon" in html[:notice]


def test_the_privacy_page_is_public_with_a_default_text(client, settings):
    settings.SKM_CLIENT_HASH_RETENTION_DAYS = 90
    html = client.get(reverse("surveys:privacy")).content.decode()
    assert "Nomor 27 Tahun 2022" in html and "NIK" in html and "90 hari" in html


def test_the_city_admin_edits_the_notice_shown_as_escaped_text(client):
    admin = city_admin()
    client.force_login(admin)
    edit = reverse("surveys:privacy_edit")
    assert "Nomor 27 Tahun 2022" in client.get(edit).content.decode()  # starts from the shown text
    text = "Pemberitahuan baru.\nBaris kedua <script>alert(1)</script>"
    assert client.post(edit, {"teks": text}).status_code == 302
    html = Client().get(reverse("surveys:privacy")).content.decode()
    assert "Pemberitahuan baru.<br>Baris kedua &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    event = AuditEvent.objects.get(action="privasi_ubah")
    assert event.user == admin and event.detail == text


def test_only_the_city_admin_edits_the_notice(client, reference_units):
    edit = reverse("surveys:privacy_edit")
    assert client.get(edit)["Location"].startswith(reverse("login"))
    unit_admin = User.objects.create_user("dinkes", password="rahasia-panjang-123")
    UnitAdmin.objects.create(user=unit_admin, unit=Unit.objects.get(kode="UPP017"))
    client.force_login(unit_admin)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"teks": "dibajak"}).status_code == 404
    assert "dibajak" not in client.get(reverse("surveys:privacy")).content.decode()


# Retention of the client hash

def make_response(period, days_ago, client_hash):
    return Response.objects.create(
        unit=Unit.objects.get(kode="UPP016"), period=period, submitted_at=timezone.now() - timedelta(days=days_ago),
        umur=30, jenis_kelamin="L", pendidikan="S1", pekerjaan="KARYAWAN", channel="online",
        submission_id=uuid.uuid4(), client_hash=client_hash, **{f"u{k}": 3 for k in range(1, 10)},
    )


@pytest.fixture
def aged_data(open_period, settings):
    settings.SKM_CLIENT_HASH_RETENTION_DAYS = 180
    old = make_response(open_period, 181, "a" * 64)
    new = make_response(open_period, 179, "b" * 64)
    now = timezone.now().timestamp()
    RateLimitBucket.objects.create(key="survei:1:stale", tokens=3, updated=now - 25 * 3600)
    RateLimitBucket.objects.create(key="survei:1:fresh", tokens=3, updated=now - 3600)
    return old, new


def assert_purged(old, new):
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.client_hash == "" and new.client_hash == "b" * 64
    assert old.umur == 30  # only the hash goes
    assert list(RateLimitBucket.objects.values_list("key", flat=True)) == ["survei:1:fresh"]


def test_the_scheduled_task_clears_old_client_hashes_and_stale_buckets(aged_data):
    from surveys.tasks import purge_client_hashes

    assert purge_client_hashes() == {"client_hashes": 1, "rate_limit_buckets": 1}
    assert_purged(*aged_data)


def test_the_command_clears_them_too_and_says_how_many(aged_data):
    out = io.StringIO()
    call_command("purge_client_hashes", stdout=out)
    assert re.search(r"\b1\b.*\b1\b", out.getvalue()), out.getvalue()
    assert_purged(*aged_data)
    out = io.StringIO()
    call_command("purge_client_hashes", stdout=out)  # nothing left to do
    assert re.search(r"\b0\b.*\b0\b", out.getvalue()), out.getvalue()


def test_celery_beat_runs_the_purge_daily(settings):
    from skm_portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["purge-client-hashes"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
