"""Issue 15, the security review, over HTTP: each finding fed its hostile input.

(9) a client reaching gunicorn directly forges X-Forwarded-For; (10) Content-Security-Policy,
evidence files, request bodies and uploads bounded while they arrive; (12) the questionnaire is
never kept in the browser's cache."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.urls import reverse

from reports.models import FrontMatter, TindakLanjut
from reports.services.realisasi import BUKTI_MAX_BYTES
from reports.templatetags.skm_format import bar_percent, interval_bar
from skm_portal.clients import client_address
from surveys.forms import IMPORT_MAX_BYTES
from surveys.models import Period, PrivacyNotice, Response
from tests.conftest import import_rows, questionnaire_answers, questionnaire_url, response_row, write_csv
from tests.factories import PASSWORD, CityAdminFactory, PeriodFactory, PrioritasFactory, TindakLanjutFactory
from units.models import Unit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


# (9) The client address: the proxy header only from trusted proxies


def address_of(settings, remote, forwarded=None, trusted=()):
    settings.SKM_TRUSTED_PROXIES = list(trusted)
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_the_header_is_ignored_unless_the_connection_comes_from_a_trusted_proxy(settings):
    assert settings.SKM_TRUSTED_PROXIES == [] and settings.SKM_CLIENT_IP_HEADER == "X-Forwarded-For"
    assert address_of(settings, "198.51.100.7", "192.0.2.1") == "198.51.100.7"  # default: no proxy trusted
    assert address_of(settings, "198.51.100.7", "192.0.2.1", trusted=["10.0.0.0/8"]) == "198.51.100.7"
    assert address_of(settings, "10.1.2.3", "192.0.2.1", trusted=["10.0.0.0/8"]) == "192.0.2.1"
    settings.SKM_CLIENT_IP_HEADER = ""
    assert address_of(settings, "10.1.2.3", "192.0.2.1", trusted=["10.0.0.0/8"]) == "10.1.2.3"


def test_the_rightmost_address_that_is_not_a_trusted_proxy_is_the_client(settings):
    trusted = ["10.0.0.0/8", "2001:db8:ffff::/48"]
    # The client wrote the first entries itself: only what the trusted proxies appended counts.
    assert address_of(settings, "10.0.0.2", "1.2.3.4, 5.6.7.8, 203.0.113.9", trusted) == "203.0.113.9"
    assert address_of(settings, "10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.5", trusted) == "203.0.113.9"
    assert address_of(settings, "10.0.0.2", "2001:db8::7, 2001:db8:ffff::1", trusted) == "2001:db8::7"
    assert address_of(settings, "10.0.0.2", "[2001:db8::7]:4431", trusted) == "2001:db8::7"
    assert address_of(settings, "10.0.0.2", "203.0.113.9:4431", trusted) == "203.0.113.9"
    assert address_of(settings, "::ffff:10.0.0.2", "203.0.113.9", trusted) == "203.0.113.9"
    # Only trusted proxies in the header: the farthest one; nothing usable: the connection.
    assert address_of(settings, "10.0.0.2", "10.0.0.9, 10.0.0.5", trusted) == "10.0.0.9"
    assert address_of(settings, "10.0.0.2", "", trusted) == "10.0.0.2"
    assert address_of(settings, "10.0.0.2", None, trusted) == "10.0.0.2"
    # Garbage ends the walk at the proxy that passed it on: it cannot become a new client each time.
    assert address_of(settings, "10.0.0.2", "192.0.2.1, bukan-alamat, 10.0.0.5", trusted) == "10.0.0.5"
    assert address_of(settings, "10.0.0.2", "bukan-alamat", trusted) == "10.0.0.2"


def test_rotating_the_header_from_a_direct_connection_is_rate_limited(open_period, client, settings):
    """The finding: 12 of 12 questionnaires stored, each with another forged X-Forwarded-For."""
    settings.SKM_SUBMISSIONS_PER_HOUR = 10
    settings.SKM_TRUSTED_PROXIES = ["10.0.0.0/8"]  # a proxy is configured, but this client is not it
    statuses = [
        client.post(
            questionnaire_url(),
            questionnaire_answers(),
            REMOTE_ADDR="198.51.100.20",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        ).status_code
        for i in range(12)
    ]
    assert statuses == [302] * 10 + [429, 429]
    assert Response.objects.count() == 10


def test_behind_a_trusted_proxy_the_header_names_each_client(open_period, client, settings):
    settings.SKM_SUBMISSIONS_PER_HOUR = 2
    settings.SKM_TRUSTED_PROXIES = ["10.0.0.2"]
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    clients = [
        client.post(
            questionnaire_url(), questionnaire_answers(), HTTP_X_FORWARDED_FOR=f"203.0.113.{i}", **proxy
        ).status_code
        for i in range(5)
    ]
    assert clients == [302] * 5  # five people behind one proxy
    forged = [
        client.post(
            questionnaire_url(), questionnaire_answers(), HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 198.51.100.30", **proxy
        ).status_code
        for i in range(3)
    ]
    assert forged == [302, 302, 429]  # forged entries before the proxy's own do not make a new client
    assert Response.objects.count() == 7


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_rotating_the_header_does_not_escape_the_login_lockout(db, settings):
    CityAdminFactory(username="organisasi")
    client = Client()
    for i in range(8):
        response = log_in(
            client, "organisasi", "salah", REMOTE_ADDR="198.51.100.40", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"
        )
        assert response.status_code in (200, 429)
    locked = log_in(client, "organisasi", PASSWORD, REMOTE_ADDR="198.51.100.40", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert locked.status_code == 429 and "registration/locked.html" in [t.name for t in locked.templates]
    assert "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_the_lockout_is_per_forwarded_client(db, settings):
    settings.SKM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    CityAdminFactory(username="organisasi")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), "organisasi", "salah", HTTP_X_FORWARDED_FOR="192.0.2.50", **proxy)
    assert log_in(Client(), "organisasi", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.50", **proxy).status_code == 429
    # Another person behind the same proxy is not locked out by the first one's failures.
    assert log_in(Client(), "organisasi", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.51", **proxy).status_code == 302


# (10) Content-Security-Policy


class InlineCode(HTMLParser):
    """Collects style attributes, <style> elements, inline scripts and on* handlers of a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("inline <script>")
        self.found += [f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")]
        if any((value or "").strip().lower().startswith("javascript:") for value in names.values()):
            self.found.append(f"{tag} javascript: URL")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_every_page_template_is_free_of_inline_style_and_script():
    # The PDFs (the report, the poster) are rendered by WeasyPrint, which no browser policy applies to.
    pdf = {TEMPLATES / "surveys" / "poster.html"}
    pages = [
        path
        for path in TEMPLATES.rglob("*.html")
        if "pdf" not in path.relative_to(TEMPLATES).parts and path not in pdf
    ]
    assert len(pages) > 30
    offenders = {}
    for path in pages:
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"""\sstyle\s*=|<style\b|\son[a-z]+\s*=|javascript:""", text)
        found += [tag for tag in re.findall(r"<script\b[^>]*>", text) if "src=" not in tag]
        if found:
            offenders[str(path.relative_to(TEMPLATES))] = found
    assert offenders == {}


def test_pages_carry_a_strict_content_security_policy(open_period, client):
    page = client.get(questionnaire_url())
    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "worker-src": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    assert inline_code(page.content.decode()) == []
    # Django admin runs under the same policy: its pages have no inline style or script either.
    admin = Client()
    admin.force_login(CityAdminFactory(username="admin", is_staff=True, is_superuser=True))
    for url in ["/admin/", "/admin/units/unit/", "/admin/units/unit/add/", "/admin/surveys/period/"]:
        admin_page = admin.get(url)
        assert admin_page.status_code == 200, url
        assert admin_page["Content-Security-Policy"] == page["Content-Security-Policy"], url
        assert inline_code(admin_page.content.decode()) == [], url


def test_the_interval_bar_and_progress_bars_are_drawn_without_style_attributes():
    context = interval_bar(90, (85.5, 94.25), 30)
    assert context["bar"]["left"] == pytest.approx(63.75) and context["bar"]["width"] == pytest.approx(21.875)
    svg = render_to_string("reports/partials/interval_bar.html", context)
    assert 'x="63.75"' in svg and 'width="21.88"' in svg and 'x1="75.00"' in svg and "style" not in svg
    assert [bar_percent(v) for v in (None, -5, 0, 37.4, 37.5, 100, 250)] == ["0", "0", "0", "37", "38", "100", "100"]
    assert bar_percent(45, 60) == "75" and bar_percent(90, 60) == "100" and bar_percent(5, None) == "0"


# (10) Evidence files


@pytest.fixture
def evidence(reference_units, tmp_path, settings):
    """An action of the locked 2023-S1 plan of UPP017, public, during the open 2023-S2."""
    settings.MEDIA_ROOT = tmp_path / "media"
    s1 = PeriodFactory(kode="2023-S1", status="locked")
    PeriodFactory(kode="2023-S2", status="open")
    prioritas = PrioritasFactory(unit=Unit.objects.get(kode="UPP017"), period=s1)
    action = TindakLanjutFactory(prioritas=prioritas, bukti_publik=True)

    def attach(name: str, content: bytes) -> TindakLanjut:
        action.bukti_file.save(name, SimpleUploadedFile(name, content), save=True)
        return action

    return attach


def test_a_pdf_evidence_is_downloaded_under_a_sandbox(evidence, unit_admin):
    action = evidence("bukti.pdf", PDF)
    for response in (
        unit_admin.get(reverse("reports:bukti", args=[action.pk])),
        Client().get(reverse("public_bukti", args=[action.pk])),
    ):
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="bukti-{action.pk}.pdf"'
        policy = response["Content-Security-Policy"]
        assert policy.startswith("sandbox;") and "default-src 'none'" in policy and "script" not in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF


def test_an_image_evidence_stays_inline_under_a_sandbox(evidence, unit_admin):
    action = evidence("bukti.png", PNG)
    response = Client().get(reverse("public_bukti", args=[action.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="bukti-{action.pk}.png"'
    assert response["Content-Security-Policy"].startswith("sandbox;")


# (10) Request bodies


def test_an_oversized_questionnaire_post_is_refused_and_stores_nothing(open_period, client):
    big = questionnaire_answers(saran="x" * (300 * 1024))
    for accept in ("text/html", "application/json"):
        # As a browser posts it (urlencoded) and as multipart: refused before the body is read.
        plain = client.post(
            questionnaire_url(), urlencode(big), content_type="application/x-www-form-urlencoded", HTTP_ACCEPT=accept
        )
        multipart = client.post(questionnaire_url(), big, HTTP_ACCEPT=accept)
        assert plain.status_code == multipart.status_code == 400
        assert 'id="request-refused"' in plain.content.decode()

    # A file (the form has none) is cut off where it starts; the fields before it are not stored either.
    def with_file():
        return {**questionnaire_answers(), "lampiran": SimpleUploadedFile("a.bin", b"\x00" * 1024)}

    page = client.post(questionnaire_url(), with_file())
    assert page.status_code == 413 and 'id="request-refused"' in page.content.decode()
    json = client.post(questionnaire_url(), with_file(), HTTP_ACCEPT="application/json")
    assert json.status_code == 413 and json.json()["status"] == "refused"
    assert Response.objects.count() == 0
    assert client.post(questionnaire_url(), questionnaire_answers()).status_code == 302  # an ordinary one still passes
    assert Response.objects.count() == 1


def test_the_largest_staff_texts_fit_in_the_body_limit(city_admin, reference_units):
    # The privacy notice at its 20.000 characters, each a 4-byte character, urlencoded as a browser sends it.
    text = "\U0001f600" * 20_000
    body = urlencode({"teks": text})
    assert len(body) > 200_000
    edit = city_admin.post(reverse("surveys:privacy_edit"), body, content_type="application/x-www-form-urlencoded")
    assert edit.status_code == 302 and PrivacyNotice.objects.get().teks == text
    # The report's words: every text three times its (long) default.
    period = PeriodFactory(kode="2023-S2", status="open")
    url = reverse("reports:front_matter", args=[period.kode])
    form = city_admin.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if k not in ("id", "period") and v is not None}
    for field in ("kata_pengantar", "latar_belakang", "dasar_hukum", "pengumpulan_data"):
        data[field] = "\n\n".join([data[field]] * 3)
    data["tanggal"] = "2024-01-31"
    saved = city_admin.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert FrontMatter.objects.get(period=period).latar_belakang == data["latar_belakang"]


# (10) Uploads bounded while they stream


class CountingPayload(FakePayload):
    """A request body that counts what the server read of it."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1, /):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def post_multipart(client, url, fields, *, content_length=None):
    """A multipart post whose Content-Length may claim more than the body holds; returns the response and
    how many bytes of the body the server read."""
    body = encode_multipart(BOUNDARY, fields)
    size = len(body)
    payload = CountingPayload(body)
    del body  # tens of MB: one copy is enough
    environ = {"wsgi.input": payload, "CONTENT_LENGTH": str(content_length or size), "CONTENT_TYPE": MULTIPART_CONTENT}
    response = client.generic("POST", url, **environ)
    return response, payload.bytes_read, size


@pytest.fixture
def csrf_unit_admin(unit_admin):
    """The unit admin with CSRF checks on, as a browser: the cut-off upload keeps its token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(unit_admin.user)
    return client


def token_of(client, url):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode())[1]


@pytest.fixture
def s1_2023(reference_units, tmp_path):
    return import_rows(tmp_path, [response_row(kode_unit="UPP017", tanggal="2023-03-01 10:00")], period="2023-S1")


def test_an_import_file_over_50_mb_is_refused_while_it_streams(csrf_unit_admin, s1_2023, tmp_path):
    url = reverse("surveys:response_import", args=["UPP017"])
    rows = write_csv(tmp_path / "besar.csv", [response_row(kode_unit="UPP066", tanggal="2023-05-01")]).read_bytes()
    # A real CSV past the limit by 250 KB (its Content-Length alone does not tell).
    content = rows + b"\n" * (IMPORT_MAX_BYTES + 250 * 1024 - len(rows))
    fields = {
        "csrfmiddlewaretoken": token_of(csrf_unit_admin, url),
        "periode": "2023-S1",
        "berkas": SimpleUploadedFile("besar.csv", content, "text/csv"),
    }
    before = Response.objects.count()
    response, read, size = post_multipart(csrf_unit_admin, url, fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Berkas lebih besar dari 50 MB" in html and "harus diisi" not in html
    assert read < size - 100 * 1024  # the rest of the body was never read
    assert Response.objects.count() == before


def test_an_import_claiming_more_than_50_mb_is_refused_before_its_file_is_read(csrf_unit_admin, s1_2023, tmp_path):
    url = reverse("surveys:response_import", args=["UPP017"])
    good = write_csv(tmp_path / "ok.csv", [response_row(kode_unit="UPP066", tanggal="2023-05-01")]).read_bytes()
    fields = {
        "csrfmiddlewaretoken": token_of(csrf_unit_admin, url),
        "periode": "2023-S1",
        "berkas": SimpleUploadedFile("ok.csv", good + b"\n" * (1024 * 1024), "text/csv"),
    }
    before = Response.objects.count()
    response, read, size = post_multipart(csrf_unit_admin, url, fields, content_length=IMPORT_MAX_BYTES + 10**6)
    html = response.content.decode()
    assert response.status_code == 200 and "Berkas lebih besar dari 50 MB" in html and "harus diisi" not in html
    assert read <= 128 * 1024 < size  # the fields before the file, not the file
    assert Response.objects.count() == before
    # The same file with its true length imports.
    fields["csrfmiddlewaretoken"] = token_of(csrf_unit_admin, url)
    fields["berkas"] = SimpleUploadedFile("ok.csv", good, "text/csv")
    response, read, size = post_multipart(csrf_unit_admin, url, fields)
    assert response.status_code == 302 and read == size
    assert Response.objects.count() == before + 1


def test_an_evidence_file_over_10_mb_is_refused_while_it_streams(evidence, csrf_unit_admin):
    action = evidence("lama.pdf", PDF)
    url = reverse("reports:realisasi", args=[action.pk])
    for content_length in (None, BUKTI_MAX_BYTES * 3):
        fields = {
            "csrfmiddlewaretoken": token_of(csrf_unit_admin, url),
            "progres": "70",
            "bukti_file": SimpleUploadedFile("besar.png", PNG + b"\x00" * (BUKTI_MAX_BYTES + 250 * 1024), "image/png"),
        }
        response, read, size = post_multipart(csrf_unit_admin, url, fields, content_length=content_length)
        html = response.content.decode()
        assert response.status_code == 200 and "Berkas bukti dukung lebih besar dari 10 MB." in html
        assert read < size - 100 * 1024
        action.refresh_from_db()
        assert action.progres is None and action.bukti_file.read() == PDF  # nothing saved, not even the progress
    fields["csrfmiddlewaretoken"] = token_of(csrf_unit_admin, url)
    fields["bukti_file"] = SimpleUploadedFile("kecil.png", PNG, "image/png")
    response, _read, _size = post_multipart(csrf_unit_admin, url, fields)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.progres == 70 and action.bukti_file.name.endswith(".png")


# (12) The questionnaire is never kept in the browser's cache


def test_the_questionnaire_and_its_answers_are_never_cached(open_period, client):
    form = client.get(questionnaire_url())
    assert "no-store" in form["Cache-Control"] and 'autocomplete="off"' in form.content.decode().split("<form")[1]
    sent = client.post(questionnaire_url(), questionnaire_answers())
    assert sent.status_code == 302 and "no-store" in sent["Cache-Control"]
    thanks = client.get(sent["Location"])
    assert thanks.status_code == 200 and "no-store" in thanks["Cache-Control"]
    # A cookie that changes with each thank-you page makes Chrome drop the form from its back-forward
    # cache (test_hardening_browser); it holds nothing but a random value.
    first = thanks.cookies["skm_terkirim"]
    assert first["httponly"] and first["samesite"] == "Lax" and len(first.value) < 20
    assert client.get(sent["Location"]).cookies["skm_terkirim"].value != first.value
    invalid = client.post(questionnaire_url(), questionnaire_answers(u3="9"))
    assert invalid.status_code == 200 and "no-store" in invalid["Cache-Control"]
    Period.objects.update(status=Period.Status.LOCKED)
    closed = client.get(questionnaire_url())
    assert "no-store" in closed["Cache-Control"]


def test_the_upload_views_keep_their_csrf_protection(evidence, csrf_unit_admin):
    action = evidence("lama.pdf", PDF)
    for url, fields in [
        (reverse("surveys:response_import", args=["UPP017"]), {"periode": "2023-S2"}),
        (reverse("reports:realisasi", args=[action.pk]), {"progres": "70"}),
    ]:
        csrf_unit_admin.get(url)  # the CSRF cookie, but no token in the form
        response, _read, _size = post_multipart(csrf_unit_admin, url, fields)
        assert response.status_code == 403, url
    action.refresh_from_db()
    assert action.progres is None
