"""The public questionnaire over HTTP: storage, validation and every abuse case, each counting responses."""

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse

from surveys.models import Period, RateLimitBucket, Response, Unsur
from tests.conftest import questionnaire_answers, questionnaire_url
from tests.factories import PeriodFactory
from units.models import Unit

pytestmark = pytest.mark.django_db
STATIC = Path(settings.BASE_DIR) / "static"


def test_the_form_shows_profile_questions_and_answers_from_the_unsur_data(open_period, client):
    html = client.get(questionnaire_url()).content.decode()
    for name in [
        "umur",
        "jenis_kelamin",
        "pendidikan",
        "pekerjaan",
        "jenis_layanan",
        "saran",
        *[f"u{k}" for k in range(1, 10)],
    ]:
        assert f'name="{name}"' in html, name
    assert html.count("<fieldset") >= 10  # one per question, plus the profile
    assert "Bagaimana pendapat Saudara tentang kesesuaian persyaratan" in html
    assert "Dikelola dengan baik" in html and "KTP elektronik" in html
    assert html.index('name="umur"') < html.index('name="u1"') < html.index('name="saran"')


def test_a_valid_submission_is_stored_with_exactly_the_answers_given(open_period, client):
    data = questionnaire_answers()
    response = client.post(questionnaire_url(), data, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:thanks", args=["UPP016"])
    stored = Response.objects.get()
    assert stored.unit.kode == "UPP016" and stored.period == open_period
    assert stored.answers == tuple(1 + k % 4 for k in range(1, 10))
    assert (stored.umur, stored.jenis_kelamin, stored.pendidikan, stored.pekerjaan) == (
        27,
        "L",
        "SMA/SMK/SEDERAJAT",
        "WIRASWASTA",
    )
    assert (stored.jenis_layanan, stored.saran, stored.channel) == (
        "KTP elektronik",
        "Antrian sudah tertib.",
        "online",
    )
    assert str(stored.submission_id) == data["submission_id"]
    # Only a keyed hash of the address is kept, never the address itself.
    assert re.fullmatch(r"[0-9a-f]{64}", stored.client_hash)
    assert "203.0.113.7" not in str([getattr(stored, f.attname) for f in Response._meta.fields])
    assert "Terima kasih" in client.get(response["Location"]).content.decode()


def test_the_same_form_posted_twice_stores_one_response(open_period, client):
    data = questionnaire_answers()
    first = client.post(questionnaire_url(), data)
    second = client.post(questionnaire_url(), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"u3": "0"}, "u3", "0 bukan salah satu dari pilihan yang tersedia"),
        ({"u9": "5"}, "u9", "5 bukan salah satu dari pilihan yang tersedia"),
        ({"u5": None}, "u5", "Pilih salah satu jawaban untuk pertanyaan ini."),
        ({"pendidikan": "SMA"}, "pendidikan", "SMA bukan salah satu dari pilihan yang tersedia"),
        ({"umur": "300"}, "umur", "Umur harus antara 10 dan 100 tahun."),
        ({"umur": "abc"}, "umur", "Tulis umur dalam angka tahun, misalnya 35."),
        ({"jenis_layanan": "Paspor"}, "jenis_layanan", "Paspor bukan salah satu dari pilihan yang tersedia"),
        ({"saran": "x" * 2001}, "saran", "paling banyak 2000 karakter"),
        # The import's rule too (surveys.rules): a control character is refused at every door.
        ({"saran": "Antri\x07 lama"}, "saran", "mengandung karakter kendali (kode 7)"),
        ({"saran": "a\x00b"}, "saran", "Karakter null tidak diizinkan"),
        # No one types U+FFFE or U+FFFF, and an Excel file cannot hold them.
        ({"saran": "\ufffe\uffff pelayanan lama"}, "saran", "mengandung karakter kendali (kode 65534)"),
    ],
)
def test_a_tampered_post_re_renders_with_a_specific_message_and_stores_nothing(
    open_period, client, overrides, field, message
):
    response = client.post(questionnaire_url(), questionnaire_answers(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize("submission_id", ["not-a-uuid", None])
def test_a_tampered_submission_id_gets_a_fresh_one_and_a_message(open_period, client, submission_id):
    response = client.post(questionnaire_url(), questionnaire_answers(submission_id=submission_id))
    assert response.status_code == 200
    assert "Formulir belum lengkap" in response.content.decode()
    fresh = re.search(r'name="submission_id" value="([^"]+)"', response.content.decode())[1]
    assert str(uuid.UUID(fresh)) == fresh
    assert Response.objects.count() == 0
    assert client.post(questionnaire_url(), questionnaire_answers(submission_id=fresh)).status_code == 302
    assert Response.objects.count() == 1


def test_a_tampered_opening_time_is_cleared_and_the_form_sends_again(open_period, client):
    response = client.post(questionnaire_url(), questionnaire_answers(dibuka_pada="bukan-waktu"))
    html = response.content.decode()
    assert response.status_code == 200 and "Formulir belum lengkap" in html
    assert "bukan-waktu" not in html  # not offered again: the next send would fail the same way
    fresh = re.search(r'name="submission_id" value="([^"]+)"', html)[1]
    assert client.post(questionnaire_url(), questionnaire_answers(submission_id=fresh)).status_code == 302
    assert Response.objects.count() == 1


def test_every_missing_answer_is_named(open_period, client):
    data = questionnaire_answers(**{f"u{k}": None for k in range(1, 10)})
    response = client.post(questionnaire_url(), data)
    assert sorted(response.context["form"].errors) == [f"u{k}" for k in range(1, 10)]
    # At each question and again in the error summary at the top.
    assert response.content.decode().count("Pilih salah satu jawaban untuk pertanyaan ini.") == 2 * 9
    assert Response.objects.count() == 0


def test_a_refused_form_leaves_nothing_in_the_next_respondents_form(open_period, client):
    # Posted forms validate with fields the process shares; the page that shows the errors marks its
    # own copies (crispy writes "is-invalid" into a widget's attributes), so the next respondent's
    # form, and the next refusal, start clean.
    refused = client.post(questionnaire_url(), questionnaire_answers(umur="tiga puluh", pendidikan=None))
    assert refused.content.decode().count("is-invalid") == 2
    fresh = client.get(questionnaire_url()).content.decode()
    assert "is-invalid" not in fresh and "bilangan bulat" not in fresh
    other = client.post(questionnaire_url(), questionnaire_answers(u7=None))
    assert list(other.context["form"].errors) == ["u7"]
    assert 'class="numberinput form-control"' in other.content.decode()
    assert client.post(questionnaire_url(), questionnaire_answers()).status_code == 302


def test_the_honeypot_pretends_success_and_stores_nothing(open_period, client):
    response = client.post(questionnaire_url(), questionnaire_answers(website="http://spam.example"))
    assert response.status_code == 302
    assert Response.objects.count() == 0


def test_csrf_is_enforced(open_period):
    client = Client(enforce_csrf_checks=True)
    response = client.post(questionnaire_url(), questionnaire_answers())
    assert response.status_code == 403
    assert "kedaluwarsa" in response.content.decode()
    assert Response.objects.count() == 0
    page = client.get(questionnaire_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    assert client.post(questionnaire_url(), questionnaire_answers(csrfmiddlewaretoken=token)).status_code == 302
    assert Response.objects.count() == 1


def test_the_rate_limit_is_per_client_and_unit(open_period, client, settings):
    settings.SKM_SUBMISSIONS_PER_HOUR = 3
    statuses = [
        client.post(questionnaire_url(), questionnaire_answers(), REMOTE_ADDR="198.51.100.1").status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    limited = client.post(questionnaire_url(), questionnaire_answers(), REMOTE_ADDR="198.51.100.1")
    assert "Terlalu banyak" in limited.content.decode()
    assert Response.objects.count() == 3
    assert (
        client.post(questionnaire_url(), questionnaire_answers(), REMOTE_ADDR="198.51.100.2").status_code == 302
    )  # another client
    assert (
        client.post(
            questionnaire_url("UPP001"), questionnaire_answers(jenis_layanan=None), REMOTE_ADDR="198.51.100.1"
        ).status_code
        == 302
    )
    assert Response.objects.count() == 5


def test_the_rate_limit_holds_behind_a_reverse_proxy(open_period, client, settings):
    settings.SKM_SUBMISSIONS_PER_HOUR = 2
    settings.SKM_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.SKM_TRUSTED_PROXIES = ["10.0.0.2"]
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The client may forge earlier entries; the proxy's own (last) entry decides.
    forged = [
        client.post(
            questionnaire_url(), questionnaire_answers(), HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9", **proxy
        ).status_code
        for i in range(3)
    ]
    assert forged == [302, 302, 429]
    assert (
        client.post(
            questionnaire_url(), questionnaire_answers(), HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy
        ).status_code
        == 302
    )
    assert Response.objects.count() == 3


def test_without_a_trusted_header_forwarded_addresses_are_ignored(open_period, client, settings):
    settings.SKM_SUBMISSIONS_PER_HOUR = 1
    assert (
        client.post(questionnaire_url(), questionnaire_answers(), HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 302
    )
    assert (
        client.post(questionnaire_url(), questionnaire_answers(), HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 429
    )
    assert Response.objects.count() == 1


def test_an_unknown_unit_is_a_friendly_404(open_period, client):
    response = client.get(questionnaire_url("UPP999"))
    assert response.status_code == 404
    assert Response.objects.count() == 0


def test_an_inactive_unit_shows_the_closed_page_and_stores_nothing(open_period, client):
    Unit.objects.filter(kode="UPP016").update(aktif=False)
    assert "ditutup" in client.get(questionnaire_url()).content.decode()
    response = client.post(questionnaire_url(), questionnaire_answers())
    assert response.status_code == 200 and "ditutup" in response.content.decode()
    assert Response.objects.count() == 0


def test_without_an_open_period_the_survey_is_closed(reference_units, client):
    PeriodFactory(kode="2020-S1", status="open")
    response = client.post(questionnaire_url(), questionnaire_answers())
    assert response.status_code == 200 and "ditutup" in response.content.decode()
    assert Response.objects.count() == 0


def test_a_locked_period_accepts_no_response(open_period, client):
    Period.objects.filter(pk=open_period.pk).update(status=Period.Status.LOCKED)
    response = client.post(questionnaire_url(), questionnaire_answers())
    assert response.status_code == 200 and "ditutup" in response.content.decode()
    assert Response.objects.count() == 0


def test_a_suggestion_as_long_as_the_textarea_allows_is_accepted_with_its_line_breaks(open_period, client):
    # The browser counts a line break as one character against maxlength and sends it as CR LF.
    lines = ["x" * 190] * 10
    typed = "\r\n".join(lines)
    assert len("\n".join(lines)) == 1909  # as the browser counts: 91 more fill the 2.000 allowed
    answered = client.post(questionnaire_url(), questionnaire_answers(saran=typed + "y" * 91))
    assert answered.status_code == 302
    assert Response.objects.get().saran == "\n".join(lines) + "y" * 91
    too_long = client.post(questionnaire_url(), questionnaire_answers(saran=typed + "y" * 92))
    assert too_long.status_code == 200 and "2000" in " ".join(too_long.context["form"].errors["saran"])
    assert Response.objects.count() == 1


def test_head_answers_the_public_survey_addresses_without_a_body(open_period, client):
    # Link checkers, uptime monitors and link previews of the poster's address ask with HEAD.
    addresses = ("surveys:token", "surveys:offline", "surveys:kiosk", "surveys:kiosk_pair")
    for url in (questionnaire_url(), *(reverse(name) for name in addresses)):
        answer = client.head(url)
        assert answer.status_code in (200, 403) and answer.content == b"", url
    assert client.head(questionnaire_url()).status_code == 200
    assert Response.objects.count() == 0


def test_the_suggestion_is_rendered_escaped(open_period, client, admin_client):
    client.post(questionnaire_url(), questionnaire_answers(saran='<img src=x onerror="alert(1)">'))
    stored = Response.objects.get()
    html = admin_client.get(reverse("admin:surveys_response_change", args=[stored.pk])).content.decode()
    assert "&lt;img src=x onerror=" in html
    assert '<img src=x onerror="alert(1)">' not in html


def test_the_page_with_its_assets_weighs_under_200_kb(open_period, client):
    html = client.get(questionnaire_url()).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    assert assets, "the page links its stylesheets"
    total = len(html)
    for asset in assets:
        path = STATIC / asset.decode()
        total += path.stat().st_size
        if path.suffix == ".css":  # fonts and images a stylesheet pulls in
            for ref in re.findall(r'url\("?([^")]+)"?\)', path.read_text()):
                if not ref.startswith("data:"):
                    total += (path.parent / ref).resolve().stat().st_size
    # JavaScript only enhances (offline queue): external, deferred scripts; the form posts without them.
    assert re.findall(rb"<script[^>]*>", html) == [
        b'<script src="/static/js/survey-queue.js" defer>',
        b'<script src="/static/js/questionnaire.js" defer>',
    ]
    assert b'<form method="post" action=""' in html
    # The service worker the page registers, and what it imports, are fetched too.
    total += len(client.get(reverse("surveys:service_worker")).content) + (STATIC / "js/survey-sw.js").stat().st_size
    assert total < 200 * 1024, total


def test_the_rate_limit_refills_over_time(open_period, client, settings):
    settings.SKM_SUBMISSIONS_PER_HOUR = 2
    assert [client.post(questionnaire_url(), questionnaire_answers()).status_code for _ in range(3)] == [302, 302, 429]
    # An hour later two tokens have come back, one of them paying the refused attempt.
    RateLimitBucket.objects.update(updated=F("updated") - 3600)
    assert [client.post(questionnaire_url(), questionnaire_answers()).status_code for _ in range(2)] == [302, 429]
    assert Response.objects.count() == 3


def test_edited_question_texts_reach_the_form_at_once(open_period, client):
    client.get(questionnaire_url())  # fills the cache
    unsur = Unsur.objects.get(kode="U8")
    unsur.pertanyaan = "Bagaimana kebersihan dan kenyamanan ruang tunggu?"
    unsur.save()
    assert "Bagaimana kebersihan dan kenyamanan ruang tunggu?" in client.get(questionnaire_url()).content.decode()


def test_submissions_need_no_redis_or_celery(open_period, client, broker_unreachable):
    # Nothing on the submission path talks to the broker: a dead one changes nothing.
    assert client.post(questionnaire_url(), questionnaire_answers()).status_code == 302
    assert Response.objects.count() == 1
