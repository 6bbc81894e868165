"""Issue 10 over HTTP: the questionnaire's JSON answers for queued (offline) sends, the filling time
and its period, the privacy notice, and the retention of client hashes."""

import io
import re
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.services.locking import period_lock
from skm_portal.celery import app
from surveys.exceptions import PeriodLocked
from surveys.models import Period, RateLimitBucket, Response
from surveys.services.response_export import responses_export_csv
from surveys.services.submissions import device_filling_time, response_submit
from surveys.tasks import purge_client_hashes
from tests.conftest import questionnaire_answers, questionnaire_url
from tests.factories import PeriodFactory, ResponseFactory
from units.models import AuditEvent, Unit

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
LOCKED_MESSAGE = "Periode survei sudah ditutup; jawaban ini tidak dapat dikirim."


def filled(delta=timedelta()):
    return (timezone.now() + delta).isoformat()


def send(client, data, **extra):
    return client.post(questionnaire_url(), data, **JSON, **extra)


def test_a_queued_send_is_stored_and_answered_ok_with_its_filling_time(open_period, client):
    when = timezone.now() - timedelta(hours=5)
    response = send(client, questionnaire_answers(diisi_pada=when.isoformat()))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    stored = Response.objects.get()
    assert stored.period == open_period and stored.channel == "online"
    assert abs(stored.diisi_pada - when) < timedelta(seconds=1)
    assert stored.submitted_at > stored.diisi_pada


def test_a_repeat_answers_the_same_success_and_stores_once(open_period, client, settings):
    data = questionnaire_answers(diisi_pada=filled())
    assert [send(client, data).json() for _ in range(3)] == [{"status": "ok"}] * 3
    assert Response.objects.count() == 1
    # Even when the answer got lost and meanwhile the limit is reached or the period locked.
    settings.SKM_SUBMISSIONS_PER_HOUR = 1
    period_lock(kode=open_period.kode)
    assert send(client, data).json() == {"status": "ok"}
    assert Response.objects.count() == 1


def test_an_incomplete_send_is_invalid_with_its_errors(open_period, client):
    response = send(client, questionnaire_answers(u4=None, umur="300"))
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "invalid" and sorted(body["errors"]) == ["u4", "umur"]
    assert body["errors"]["u4"] == ["Pilih salah satu jawaban untuk pertanyaan ini."]
    assert "tidak lengkap" in body["message"]
    assert send(client, questionnaire_answers(diisi_pada="kemarin sore")).json()["errors"].keys() == {"diisi_pada"}
    assert Response.objects.count() == 0


def test_a_send_into_a_locked_period_is_refused_with_a_message(open_period, client):
    period_lock(kode=open_period.kode)
    response = send(client, questionnaire_answers(diisi_pada=filled(-timedelta(hours=1))))
    assert response.status_code == 409
    assert response.json() == {"status": "refused", "message": LOCKED_MESSAGE}
    assert Response.objects.count() == 0


def test_the_filling_time_decides_the_period(open_period, client):
    today = timezone.localdate()
    Period.objects.filter(pk=open_period.pk).update(tanggal_mulai=today)
    earlier = PeriodFactory(
        kode="2099-S1",
        tanggal_mulai=today - timedelta(days=30),
        tanggal_selesai=today - timedelta(days=1),
        status="open",
    )
    assert send(client, questionnaire_answers(diisi_pada=filled(-timedelta(days=2)))).json() == {"status": "ok"}
    assert send(client, questionnaire_answers(diisi_pada=filled())).json() == {"status": "ok"}
    assert list(Response.objects.order_by("pk").values_list("period__kode", flat=True)) == [
        earlier.kode,
        open_period.kode,
    ]
    # Once the earlier period is locked, what was filled in during it cannot come in any more.
    period_lock(kode=earlier.kode)
    assert (
        send(client, questionnaire_answers(diisi_pada=filled(-timedelta(days=2)))).json()["message"] == LOCKED_MESSAGE
    )
    # A day no period was open on.
    Period.objects.filter(pk=earlier.pk).update(tanggal_selesai=today - timedelta(days=3))
    refused = send(client, questionnaire_answers(diisi_pada=filled(-timedelta(days=2)))).json()
    assert refused["status"] == "refused" and "Tidak ada periode survei" in refused["message"]
    assert Response.objects.count() == 2


def test_a_filling_time_in_the_future_is_refused_beyond_the_clock_skew(open_period, client, settings):
    settings.SKM_CLOCK_SKEW_SECONDS = 300
    response = send(client, questionnaire_answers(diisi_pada=filled(timedelta(minutes=10))))
    assert response.status_code == 409 and "masa depan" in response.json()["message"]
    assert send(client, questionnaire_answers(diisi_pada=filled(timedelta(minutes=4)))).json() == {"status": "ok"}
    assert Response.objects.get().diisi_pada <= timezone.now()  # a clock a little ahead is never stored


def test_a_filling_time_too_old_is_refused(open_period, client, settings):
    settings.SKM_OFFLINE_MAX_AGE_DAYS = 7
    Period.objects.filter(pk=open_period.pk).update(tanggal_mulai=timezone.localdate() - timedelta(days=30))
    response = send(client, questionnaire_answers(diisi_pada=filled(-timedelta(days=8))))
    assert response.status_code == 409
    assert response.json()["message"] == "Jawaban ini diisi lebih dari 7 hari yang lalu dan tidak dapat dikirim lagi."
    assert send(client, questionnaire_answers(diisi_pada=filled(-timedelta(days=6)))).json() == {"status": "ok"}
    assert Response.objects.count() == 1


# The device's clock may be off: the server takes the delay it measured (dikirim_pada - diisi_pada)


def device(offset, delay=timedelta(seconds=2)):
    """diisi_pada and dikirim_pada of a device whose clock is `offset` off, posting `delay` after filling in."""
    sent = timezone.now() + offset
    return {"diisi_pada": (sent - delay).isoformat(), "dikirim_pada": sent.isoformat()}


def assert_filled_about(expected):
    stored = Response.objects.order_by("-pk").first()
    assert abs(stored.diisi_pada - expected) < timedelta(seconds=10), (stored.diisi_pada, expected)
    assert stored.diisi_pada <= stored.submitted_at


@pytest.mark.parametrize("offset", [timedelta(hours=3), -timedelta(days=10)], ids=["3h-ahead", "10d-behind"])
def test_a_device_clock_far_off_still_stores_with_the_server_time(open_period, client, offset):
    Period.objects.filter(pk=open_period.pk).update(tanggal_mulai=timezone.localdate() - timedelta(days=60))
    response = send(client, questionnaire_answers(**device(offset)))
    assert response.json() == {"status": "ok"}
    assert_filled_about(timezone.now())
    assert Response.objects.get().period == open_period


def test_absurd_device_times_are_refused_as_too_old_not_an_error(open_period, client):
    response = send(
        client, questionnaire_answers(diisi_pada="0001-01-01T00:00:00+00:00", dikirim_pada="9999-12-31T00:00:00+00:00")
    )
    assert response.status_code == 409 and response.json()["status"] == "refused"
    assert "hari" in response.json()["message"] and not Response.objects.exists()


def test_a_queued_form_is_dated_back_by_the_delay_its_device_measured(open_period, client):
    Period.objects.filter(pk=open_period.pk).update(tanggal_mulai=timezone.localdate() - timedelta(days=60))
    assert send(client, questionnaire_answers(**device(timedelta(), delay=timedelta(hours=2)))).json() == {
        "status": "ok"
    }
    assert_filled_about(timezone.now() - timedelta(hours=2))
    # The same with a clock a day ahead: only the delay counts.
    assert send(client, questionnaire_answers(**device(timedelta(days=1), delay=timedelta(hours=2)))).json() == {
        "status": "ok"
    }
    assert_filled_about(timezone.now() - timedelta(hours=2))


def test_the_corrected_time_decides_the_period_and_the_age_limit(open_period, client, settings):
    settings.SKM_OFFLINE_MAX_AGE_DAYS = 7
    today = timezone.localdate()
    Period.objects.filter(pk=open_period.pk).update(tanggal_mulai=today)
    PeriodFactory(
        kode="2099-S1",
        tanggal_mulai=today - timedelta(days=30),
        tanggal_selesai=today - timedelta(days=1),
        status="open",
    )
    # A clock two days behind: filled in today, in today's period.
    assert send(client, questionnaire_answers(**device(-timedelta(days=2)))).json() == {"status": "ok"}
    assert Response.objects.get().period == open_period
    # Waiting eight days on a device whose clock is right today is too old all the same.
    refused = send(client, questionnaire_answers(**device(timedelta(days=3), delay=timedelta(days=8)))).json()
    assert refused["status"] == "refused" and "lebih dari 7 hari" in refused["message"]
    assert Response.objects.count() == 1


def test_the_device_filling_time_never_lies_after_the_server_time():
    now = timezone.now()
    filled = now + timedelta(hours=5)
    assert device_filling_time(filled=filled, sent=filled + timedelta(minutes=30), now=now) == now - timedelta(
        minutes=30
    )
    # The clock set back between filling in and posting: no negative delay.
    assert device_filling_time(filled=filled, sent=filled - timedelta(hours=1), now=now) == now
    # An item queued by an older page (no dikirim_pada): the device's own time, checked as it is.
    assert device_filling_time(filled=filled, sent=None, now=now) == filled
    assert device_filling_time(filled=None, sent=filled, now=now) is None


def test_a_plain_post_from_the_script_is_corrected_too(open_period, client):
    response = client.post(questionnaire_url(), questionnaire_answers(**device(timedelta(hours=3))))
    assert response.status_code == 302
    assert_filled_about(timezone.now())


# A retry of a stored answer hears success before anything else is checked


def test_a_retry_after_the_unit_closed_or_its_services_changed_still_hears_success(open_period, client):
    data = questionnaire_answers(diisi_pada=filled())
    assert send(client, data).json() == {"status": "ok"}
    unit = Unit.objects.get(kode="UPP016")
    unit.jenis_layanan.filter(nama="KTP elektronik").delete()  # the stored answer's service is gone
    assert send(client, data).json() == {"status": "ok"}
    Unit.objects.filter(pk=unit.pk).update(aktif=False)
    assert send(client, data).json() == {"status": "ok"}
    page = client.post(questionnaire_url(), data)
    assert page.status_code == 302 and page["Location"] == reverse("surveys:thanks", args=["UPP016"])
    assert Response.objects.count() == 1


def test_an_id_stored_for_another_unit_is_no_success_here(open_period, client):
    data = questionnaire_answers(diisi_pada=filled(), jenis_layanan=None)
    assert client.post(questionnaire_url("UPP017"), data, **JSON).json() == {"status": "ok"}
    refused = send(client, {**data, "jenis_layanan": "KTP elektronik"})
    assert refused.status_code == 409 and refused.json()["status"] == "refused"
    assert "unit lain" in refused.json()["message"]
    # Treated as any other post: the closed unit, an incomplete form.
    assert (
        send(client, questionnaire_answers(submission_id=data["submission_id"], u4=None)).json()["status"] == "invalid"
    )
    closed = Unit.objects.get(kode="UPP016")
    closed.aktif = False
    closed.save()  # as the units page saves it: the questionnaire's cached unit is dropped
    assert "ditutup" in send(client, data).json()["message"]
    assert list(Response.objects.values_list("unit__kode", flat=True)) == ["UPP017"]


def test_a_garbled_submission_id_is_treated_as_usual(open_period, client):
    response = send(client, questionnaire_answers(submission_id="bukan-uuid", diisi_pada=filled()))
    assert response.status_code == 400 and response.json()["errors"].keys() == {"submission_id"}


# Locking and submitting at the same time


def test_a_submission_with_a_stale_open_period_is_refused_once_it_is_locked(open_period):
    stale = Period.objects.get(pk=open_period.pk)
    period_lock(kode=open_period.kode)
    assert stale.status == "open"  # what a submission read just before the lock
    values = {
        "umur": 30,
        "jenis_kelamin": "L",
        "pendidikan": "S1",
        "pekerjaan": "KARYAWAN",
        "jenis_layanan": "",
        "saran": "",
        **{f"u{k}": 3 for k in range(1, 10)},
    }
    unit = Unit.objects.get(kode="UPP016")
    with pytest.raises(PeriodLocked):
        response_submit(unit=unit, answers=values, submission_id=uuid.uuid4(), period=stale, channel="paper")
    # Looked up by the filling day, the period is found and held by the same statement: never stale.
    with pytest.raises(PeriodLocked, match="sudah ditutup"):
        response_submit(unit=unit, answers=values, submission_id=uuid.uuid4())
    assert Response.objects.count() == 0


def test_queued_sends_are_rate_limited(open_period, client, settings):
    settings.SKM_SUBMISSIONS_PER_HOUR = 2
    statuses = [send(client, questionnaire_answers(diisi_pada=filled())).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = send(client, questionnaire_answers(diisi_pada=filled()))
    assert limited.json()["status"] == "rate_limited" and "Terlalu banyak" in limited.json()["message"]
    assert int(limited["Retry-After"]) == 3600  # two tokens at 2 an hour: the debt and the next send
    assert Response.objects.count() == 2


def test_the_honeypot_answers_ok_and_stores_nothing(open_period, client):
    response = send(client, questionnaire_answers(website="http://spam.example", diisi_pada=filled()))
    assert response.json() == {"status": "ok"}
    assert Response.objects.count() == 0


def test_an_inactive_unit_refuses_a_queued_send(open_period, client):
    Unit.objects.filter(kode="UPP016").update(aktif=False)
    response = send(client, questionnaire_answers(diisi_pada=filled()))
    assert response.status_code == 409 and "ditutup" in response.json()["message"]
    assert Response.objects.count() == 0


def test_a_queued_send_without_a_valid_csrf_token_is_forbidden(open_period):
    client = Client(enforce_csrf_checks=True)
    assert (
        send(client, questionnaire_answers(diisi_pada=filled())).status_code == 403
    )  # the script fetches a fresh token
    assert Response.objects.count() == 0


def test_without_javascript_the_server_time_is_the_filling_time(open_period, client):
    before = timezone.now()
    response = client.post(questionnaire_url(), questionnaire_answers())
    assert response.status_code == 302 and response["Location"] == reverse("surveys:thanks", args=["UPP016"])
    stored = Response.objects.get()
    assert before <= stored.diisi_pada <= stored.submitted_at


def test_a_plain_post_with_a_garbled_filling_time_gets_a_fresh_form(open_period, client):
    response = client.post(questionnaire_url(), questionnaire_answers(diisi_pada="xx"))
    assert response.status_code == 200 and "Formulir belum lengkap" in response.content.decode()
    assert not re.search(r'name="diisi_pada" value="xx"', response.content.decode())
    assert Response.objects.count() == 0


def test_a_plain_post_refused_for_its_filling_time_says_why(open_period, client):
    response = client.post(questionnaire_url(), questionnaire_answers(diisi_pada=filled(timedelta(hours=3))))
    assert response.status_code == 200 and "masa depan" in response.content.decode()
    assert Response.objects.count() == 0


def test_the_export_dates_a_response_by_its_filling_time(open_period, client):
    when = timezone.now() - timedelta(days=1)
    send(client, questionnaire_answers(diisi_pada=when.isoformat()))
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
    assert 'self.SKM_TOKEN_URL = "/survei/token.json";' in body


def test_the_token_address_gives_a_fresh_csrf_token_without_a_form(open_period):
    client = Client(enforce_csrf_checks=True)
    response = client.get(reverse("surveys:token"))
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    token = response.json()["token"]
    assert "csrftoken" in response.cookies
    # Good for a queued form even of a unit whose survey is closed: the refusal gets through.
    Unit.objects.filter(kode="UPP016").update(aktif=False)
    refused = send(client, questionnaire_answers(diisi_pada=filled(), csrfmiddlewaretoken=token))
    assert refused.status_code == 409 and refused.json()["status"] == "refused"
    assert Client().post(reverse("surveys:token")).status_code == 405


def test_the_form_tells_its_script_what_it_needs(open_period, client):
    html = client.get(questionnaire_url()).content.decode()
    assert 'data-service-worker="/survei/sw.js"' in html and 'data-thanks-url="/survei/UPP016/terima-kasih/"' in html
    assert 'data-text-queued="Tersimpan, akan dikirim' in html
    assert 'data-token-url="/survei/token.json"' in html
    assert 'data-text-failed="Jawaban ini tidak dapat dikirim (kode {code})."' in html
    assert 'name="diisi_pada"' in html and 'name="dikirim_pada"' in html


# Privacy notice


def test_the_form_states_what_is_collected_before_the_first_question(open_period, client):
    html = client.get(questionnaire_url()).content.decode()
    notice = html.index('href="/privasi/"')
    assert notice < html.index('name="umur"') < html.index('name="u1"')
    assert "NIK" in html[:notice] and "nomor telepon" in html[:notice]
    # The keyed hash of the network address is kept too, for a while.
    assert (
        "kode samaran satu arah (hash berkunci) dari alamat jaringan" in html[:notice] and "180 hari" in html[:notice]
    )


def test_the_privacy_page_is_public_with_a_default_text(client, settings):
    settings.SKM_CLIENT_HASH_RETENTION_DAYS = 90
    html = client.get(reverse("surveys:privacy")).content.decode()
    assert "Nomor 27 Tahun 2022" in html and "NIK" in html and "90 hari" in html
    assert "kode samaran satu arah (hash berkunci)" in html and "sandi" not in html  # "sandi" reads as a password


def test_the_city_admin_edits_the_notice_shown_as_escaped_text(city_admin):
    edit = reverse("surveys:privacy_edit")
    assert "Nomor 27 Tahun 2022" in city_admin.get(edit).content.decode()  # starts from the shown text
    text = "Pemberitahuan baru.\nBaris kedua <script>alert(1)</script>"
    assert city_admin.post(edit, {"teks": text}).status_code == 302
    html = Client().get(reverse("surveys:privacy")).content.decode()
    assert "Pemberitahuan baru.<br>Baris kedua &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    event = AuditEvent.objects.get(action="privasi_ubah")
    assert event.user == city_admin.user and event.detail == text


def test_only_the_city_admin_edits_the_notice(client, unit_admin):
    edit = reverse("surveys:privacy_edit")
    assert client.get(edit)["Location"].startswith(reverse("login"))
    assert unit_admin.get(edit).status_code == 404
    assert unit_admin.post(edit, {"teks": "dibajak"}).status_code == 404
    assert "dibajak" not in client.get(reverse("surveys:privacy")).content.decode()


# Retention of the client hash


@pytest.fixture
def aged_data(open_period, settings):
    settings.SKM_CLIENT_HASH_RETENTION_DAYS = 180
    aged = {"unit": Unit.objects.get(kode="UPP016"), "period": open_period, "umur": 30}
    old = ResponseFactory(**aged, submitted_at=timezone.now() - timedelta(days=181), client_hash="a" * 64)
    new = ResponseFactory(**aged, submitted_at=timezone.now() - timedelta(days=179), client_hash="b" * 64)
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
    entry = settings.CELERY_BEAT_SCHEDULE["purge-client-hashes"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
