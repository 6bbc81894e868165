"""The admin workspaces over HTTP: dashboards, priorities, plans, realization, imports, periods, audit."""

import uuid
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import KatalogTindakLanjut, PrioritasUnsur, TindakLanjut
from surveys.models import Period, Response, UnitPeriod
from tests.conftest import import_rows, response_row, write_csv
from tests.factories import PeriodFactory, TindakLanjutFactory, UnitAdminFactory, UserFactory
from units.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def s1_2023(reference_units, tmp_path):
    """Period 2023-S1 with responses for UPP017 (low U3, U8, U1) and UPP001."""
    rows = [
        response_row(kode_unit="UPP017", tanggal="2023-03-01 10:00", u1="2", u3="1", u8="2", saran=f"Saran nomor {i}")
        for i in range(5)
    ]
    rows += [response_row(kode_unit="UPP001", tanggal="2023-04-01 10:00")]
    return import_rows(tmp_path, rows, period="2023-S1", name="s1.csv")


def test_the_unit_dashboard_shows_the_figures(unit_admin, s1_2023):
    html = unit_admin.get(reverse("reports:unit_dashboard", args=["UPP017"]), {"periode": "2023-S1"}).content.decode()
    assert "Dinas Kesehatan" in html
    assert "Saran nomor 4" in html
    assert "Maret 2023" in html or "Mar 2023" in html
    assert 'id="unsur-values"' in html and "Waktu Pelayanan" in html


def test_the_population_gives_the_minimum_sample(unit_admin, s1_2023):
    url = reverse("reports:unit_period_settings", args=["UPP017", "2023-S1"])
    unit_admin.post(url, {"populasi": "100", "metode": "Kuesioner Online"})
    html = unit_admin.get(reverse("reports:unit_dashboard", args=["UPP017"]), {"periode": "2023-S1"}).content.decode()
    assert "sampel minimum 80" in html
    assert AuditEvent.objects.filter(action="unit_periode", unit__kode="UPP017").exists()


def test_priorities_are_proposed_from_the_three_lowest_and_confirmed(unit_admin, s1_2023):
    url = reverse("reports:prioritas", args=["UPP017", "2023-S1"])
    form = unit_admin.get(url).context["form"]
    assert [form.initial[f"prioritas_{n}"] for n in (1, 2, 3)] == ["U3", "U1", "U8"]
    response = unit_admin.post(url, {"prioritas_1": "U3", "prioritas_2": "U8", "prioritas_3": ""})
    assert response.status_code == 302
    assert list(PrioritasUnsur.objects.filter(unit__kode="UPP017").values_list("unsur__kode", flat=True)) == [
        "U3",
        "U8",
    ]
    response = unit_admin.post(url, {"prioritas_1": "U3", "prioritas_2": "U3"})
    assert "hanya satu kali" in response.content.decode()


def test_a_plan_takes_catalog_and_free_actions(unit_admin, s1_2023):
    unit_admin.post(reverse("reports:prioritas", args=["UPP017", "2023-S1"]), {"prioritas_1": "U3"})
    prioritas = PrioritasUnsur.objects.get(unit__kode="UPP017")
    katalog = KatalogTindakLanjut.objects.filter(unsur__kode="U3").first()
    url = reverse("reports:rencana", args=["UPP017", "2023-S1"])
    common = {"prioritas": prioritas.pk, "target": "2023-12-31", "penanggung_jawab": "Kasubag Umum"}
    assert unit_admin.post(url, {**common, "katalog": katalog.pk}).status_code == 302
    assert unit_admin.post(url, {**common, "teks": "Menambah loket antrean online"}).status_code == 302
    actions = list(TindakLanjut.objects.order_by("nomor").values_list("nomor", "teks"))
    assert actions == [(1, katalog.teks), (2, "Menambah loket antrean online")]
    response = unit_admin.post(url, {**common})
    assert response.status_code == 200 and "Tuliskan tindakan" in response.content.decode()
    unit_admin.post(reverse("reports:tindak_lanjut_delete", args=[TindakLanjut.objects.get(nomor=1).pk]))
    assert list(TindakLanjut.objects.values_list("nomor", "teks")) == [(1, "Menambah loket antrean online")]


def test_a_locked_period_refuses_plan_changes(unit_admin, s1_2023):
    unit_admin.post(reverse("reports:prioritas", args=["UPP017", "2023-S1"]), {"prioritas_1": "U3"})
    Period.objects.filter(pk=s1_2023.pk).update(status=Period.Status.LOCKED)
    response = unit_admin.post(reverse("reports:prioritas", args=["UPP017", "2023-S1"]), {"prioritas_1": "U1"})
    assert "dikunci" in response.content.decode()
    assert list(PrioritasUnsur.objects.values_list("unsur__kode", flat=True)) == ["U3"]


@pytest.fixture
def locked_plan(unit_admin, s1_2023):
    unit_admin.post(reverse("reports:prioritas", args=["UPP017", "2023-S1"]), {"prioritas_1": "U3"})
    prioritas = PrioritasUnsur.objects.get(unit__kode="UPP017")
    unit_admin.post(
        reverse("reports:rencana", args=["UPP017", "2023-S1"]),
        {
            "prioritas": prioritas.pk,
            "teks": "Menambah petugas loket",
            "target": "2023-12-31",
            "penanggung_jawab": "Kepala Dinas",
        },
    )
    Period.objects.filter(pk=s1_2023.pk).update(status=Period.Status.LOCKED)
    PeriodFactory(kode="2023-S2", status="open")
    return TindakLanjut.objects.get()


def test_realization_with_evidence_is_recorded_in_the_next_period(unit_admin, locked_plan, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("reports:realisasi", args=[locked_plan.pk])
    response = unit_admin.post(
        url, {"progres": "50", "bukti_file": SimpleUploadedFile("laporan.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 302
    locked_plan.refresh_from_db()
    assert locked_plan.progres == 50 and locked_plan.bukti_file.name.endswith(".pdf")
    download = unit_admin.get(reverse("reports:bukti", args=[locked_plan.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    html = unit_admin.get(reverse("reports:unit_dashboard", args=["UPP017"]), {"periode": "2023-S2"}).content.decode()
    assert "50,00%" in html
    assert AuditEvent.objects.filter(action="realisasi").exists()


def test_an_exe_renamed_pdf_is_refused(unit_admin, locked_plan, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    response = unit_admin.post(
        reverse("reports:realisasi", args=[locked_plan.pk]),
        {"progres": "50", "bukti_file": SimpleUploadedFile("bukti.pdf", exe, "application/pdf")},
    )
    assert response.status_code == 200
    assert "PDF, JPG atau PNG" in response.content.decode()
    locked_plan.refresh_from_db()
    assert locked_plan.progres is None and not locked_plan.bukti_file


def test_an_oversized_evidence_file_is_refused(unit_admin, locked_plan, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("besar.png", PNG + b"\x00" * (10 * 1024 * 1024), "image/png")
    response = unit_admin.post(
        reverse("reports:realisasi", args=[locked_plan.pk]), {"progres": "10", "bukti_file": big}
    )
    assert "10 MB" in response.content.decode()
    locked_plan.refresh_from_db()
    assert locked_plan.progres is None


def test_realization_waits_for_the_period_to_be_locked(unit_admin, s1_2023):
    unit_admin.post(reverse("reports:prioritas", args=["UPP017", "2023-S1"]), {"prioritas_1": "U3"})
    action = TindakLanjutFactory(prioritas=PrioritasUnsur.objects.get())
    response = unit_admin.post(reverse("reports:realisasi", args=[action.pk]), {"progres": "50"})
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.progres is None


def test_the_city_dashboard_shows_each_units_realization(city_admin, locked_plan):
    TindakLanjut.objects.update(progres=50)
    response = city_admin.get(reverse("reports:city_dashboard"), {"periode": "2023-S2"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "50,00%" in html and 'id="city-realisasi">50,00%' in html
    sorted_html = city_admin.get(
        reverse("reports:city_dashboard"), {"periode": "2023-S1", "urut": "-ikm"}
    ).content.decode()
    assert sorted_html.index("Badan Kepegawaian") < sorted_html.index("Dinas Kesehatan")  # 100 before the lower IKM


def test_the_city_dashboard_is_for_city_admins_only(unit_admin):
    assert unit_admin.get(reverse("reports:city_dashboard")).status_code == 404
    assert unit_admin.get(reverse("surveys:periods")).status_code == 404


def test_suggestions_can_be_searched_and_marked_handled(unit_admin, s1_2023):
    url = reverse("reports:unit_dashboard", args=["UPP017"])
    html = unit_admin.get(url, {"periode": "2023-S1", "q": "nomor 3"}).content.decode()
    assert "Saran nomor 3" in html and "Saran nomor 2" not in html
    response = Response.objects.get(saran="Saran nomor 3")
    unit_admin.post(reverse("reports:saran_handled", args=[response.pk]), {"ditangani": "1"})
    response.refresh_from_db()
    assert response.saran_ditangani


def test_a_paper_questionnaire_is_typed_in_into_the_period_open_today(unit_admin, s1_2023, open_period):
    data = {
        "periode": "2023-S1",
        "umur": "60",
        "jenis_kelamin": "L",
        "pendidikan": "SD/SEDERAJAT",
        "pekerjaan": "LAINNYA",
        "submission_id": str(uuid.uuid4()),
        **{f"u{k}": "3" for k in range(1, 10)},
    }
    before = Response.objects.count()
    assert unit_admin.post(reverse("surveys:paper_entry", args=["UPP017"]), data).status_code == 302
    assert Response.objects.count() == before + 1
    stored = Response.objects.latest("pk")
    assert stored.channel == "paper" and stored.period == open_period  # not the period named in the post


def test_without_an_open_period_no_paper_questionnaire_is_stored(unit_admin, s1_2023):
    data = {
        "umur": "60",
        "jenis_kelamin": "L",
        "pendidikan": "SD/SEDERAJAT",
        "pekerjaan": "LAINNYA",
        "submission_id": str(uuid.uuid4()),
        **{f"u{k}": "3" for k in range(1, 10)},
    }
    before = Response.objects.count()
    response = unit_admin.post(reverse("surveys:paper_entry", args=["UPP017"]), data)
    assert response.status_code == 200 and "Tidak ada periode" in response.content.decode()
    assert Response.objects.count() == before


class PageForms(HTMLParser):
    """The forms of a page, each with the names of its fields and its submit controls."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict[str, list]] = []
        self._form: dict[str, list] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kind = (attrs.get("type") or "").lower()
        if tag == "form":
            self._form = {"fields": [], "submits": []}
            self.forms.append(self._form)
        elif self._form is not None:
            # A <button> without a type submits its form too.
            if (tag == "button" and kind in ("", "submit")) or (tag == "input" and kind in ("submit", "image")):
                self._form["submits"].append(attrs)
            if tag in ("input", "select", "textarea") and attrs.get("name"):
                self._form["fields"].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def questionnaire_form(html: str) -> dict[str, list]:
    (form,) = [form for form in PageForms(html).forms if "umur" in form["fields"]]
    return form


def test_the_paper_entry_page_has_one_submit_button_and_no_honeypot(unit_admin, open_period, client):
    response = unit_admin.get(reverse("surveys:paper_entry", args=["UPP017"]))
    assert response.status_code == 200
    html = response.content.decode()
    form = questionnaire_form(html)
    assert len(form["submits"]) == 1, form["submits"]  # the page's own button, not the public form's as well
    assert "website" not in form["fields"]
    assert "Biarkan isian ini kosong" not in html and "Leave this field empty" not in html
    # The public questionnaire has both, so the words looked for above are the honeypot's.
    public = client.get(reverse("surveys:questionnaire", args=["UPP017"])).content.decode()
    assert "website" in questionnaire_form(public)["fields"] and "Biarkan isian ini kosong" in public


def test_a_locked_period_keeps_its_population_and_method(unit_admin, s1_2023):
    Period.objects.filter(pk=s1_2023.pk).update(status=Period.Status.LOCKED)
    unit_admin.post(
        reverse("reports:unit_period_settings", args=["UPP017", "2023-S1"]), {"populasi": "100", "metode": "Wawancara"}
    )
    assert not UnitPeriod.objects.exists()


def test_a_tampered_clear_of_the_evidence_is_harmless(unit_admin, locked_plan, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    response = unit_admin.post(
        reverse("reports:realisasi", args=[locked_plan.pk]), {"progres": "40", "bukti_file-clear": "on"}
    )
    assert response.status_code == 302
    locked_plan.refresh_from_db()
    assert locked_plan.progres == 40


def test_a_paper_file_import_reports_rows_and_stays_within_reach(unit_admin, s1_2023, tmp_path):
    url = reverse("surveys:response_import", args=["UPP017"])
    bad = write_csv(
        tmp_path / "kertas.csv",
        [
            response_row(kode_unit="UPP066", tanggal="2023-05-01"),
            response_row(kode_unit="UPP001", tanggal="2023-05-01", u2="7"),
        ],
    )
    before = Response.objects.count()
    html = unit_admin.post(
        url, {"periode": "2023-S1", "berkas": SimpleUploadedFile("kertas.csv", bad.read_bytes())}
    ).content.decode()
    assert "baris 3: kode_unit: kode unit UPP001 tidak dikenal" in html  # another unit's code reads as unknown
    assert "baris 3: u2:" in html
    assert Response.objects.count() == before
    good = write_csv(tmp_path / "ok.csv", [response_row(kode_unit="UPP066", tanggal="2023-05-01")])
    assert (
        unit_admin.post(
            url, {"periode": "2023-S1", "berkas": SimpleUploadedFile("ok.csv", good.read_bytes())}
        ).status_code
        == 302
    )
    assert Response.objects.filter(unit__kode="UPP066", channel="paper").count() == 1
    template = unit_admin.get(reverse("surveys:import_template"))
    assert template.content.decode().splitlines()[0].startswith("kode_unit,tanggal,umur")


def test_periods_are_created_opened_and_locked_with_an_audit_trail(city_admin):
    city_admin.post(reverse("surveys:periods"), {"kode": "2027-S1"})
    period = Period.objects.get(kode="2027-S1")
    assert (str(period.tanggal_mulai), period.status) == ("2027-01-01", "draft")
    assert "YYYY-S1" in city_admin.post(reverse("surveys:periods"), {"kode": "2027-3"}).content.decode()
    city_admin.post(reverse("surveys:period_open", args=["2027-S1"]))
    city_admin.post(reverse("reports:period_lock", args=["2027-S1"]), {"konfirmasi": "on", "kode": "2027-S1"})
    assert Period.objects.get(kode="2027-S1").status == "locked"
    city_admin.post(reverse("surveys:period_open", args=["2027-S1"]))
    assert Period.objects.get(kode="2027-S1").status == "locked"
    actions = list(AuditEvent.objects.filter(periode="2027-S1").order_by("pk").values_list("action", "user__username"))
    assert actions == [("periode_buat", "organisasi"), ("periode_buka", "organisasi"), ("periode_kunci", "organisasi")]
    audit = city_admin.get(reverse("units:audit")).content.decode()
    assert "Periode dikunci" in audit and "periode_kunci" not in audit  # the action's label, not its code


def test_the_login_locks_after_repeated_failures(reference_units, client):
    UserFactory(username="dinkes")
    failures = [
        client.post(reverse("login"), {"username": "dinkes", "password": "salah"}).status_code for _ in range(5)
    ]
    assert failures == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = client.post(reverse("login"), {"username": "dinkes", "password": "rahasia-panjang-123"})
    assert locked.status_code == 429
    assert "30 menit" in locked.content.decode()


def test_a_good_login_lands_on_the_unit_dashboard(reference_units, client):
    UnitAdminFactory(user__username="dinkes", unit__kode="UPP017")
    response = client.post(reverse("login"), {"username": "dinkes", "password": "rahasia-panjang-123"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:unit_dashboard", args=["UPP017"])


def test_before_any_period_the_dashboard_says_so(unit_admin):
    response = unit_admin.get(reverse("reports:unit_dashboard", args=["UPP017"]))
    assert response.status_code == 200
    assert "Belum ada periode survei" in response.content.decode()
