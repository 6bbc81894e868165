"""Suggestion themes stored with the responses: every door, the tallies, the rules the city admin
edits, the rebuild command, and where they show."""

from __future__ import annotations

import io
import time
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports.documents.data import report_data
from reports.documents.recap_xlsx import write_report_xlsx
from reports.pdf.city import city_report_pdf
from reports.services.locking import period_lock
from surveys.models import Response, SaranTally, SaranTemaAturan
from surveys.services.saran_tema import saran_rules_data
from tests.conftest import import_rows, pdf_text, questionnaire_answers, questionnaire_url, response_row
from tests.factories import PrioritasFactory
from units.models import AuditEvent, Unit

COMPLAINT = "Antrian lama bgt, petugas jutek."


def tallies(period, kode: str) -> dict[str, tuple[int, int, int]]:
    """(complaints, proposals, praise) by unsur."""
    found: dict[str, list[int]] = {}
    for t in SaranTally.objects.filter(period=period, unit__kode=kode, frasa="", count__gt=0):
        found.setdefault(t.unsur, [0, 0, 0])[("keluhan", "usul", "pujian").index(t.jenis)] += t.count
    return {unsur: tuple(counts) for unsur, counts in found.items()}


def phrase_counts(period, kode: str, unsur: str) -> dict[str, int]:
    rows = SaranTally.objects.filter(period=period, unit__kode=kode, unsur=unsur).exclude(frasa="")
    return {t.frasa: t.count for t in rows}


def test_a_questionnaire_post_stores_the_themes_and_counts_them(open_period, client):
    for text in (COMPLAINT, "Antrian sudah tertib, terima kasih", ""):
        assert client.post(questionnaire_url(), questionnaire_answers(saran=text)).status_code == 302
    stored = {r.saran: (r.saran_unsur, r.saran_jenis) for r in Response.objects.all()}
    assert stored[COMPLAINT] == ("U3,U7", "keluhan")
    assert stored["Antrian sudah tertib, terima kasih"] == ("U3", "pujian")
    assert stored[""] == ("", "")
    assert tallies(open_period, "UPP016") == {"U3": (1, 0, 1), "U7": (1, 0, 0)}
    assert phrase_counts(open_period, "UPP016", "U7") == {"antrian lama": 1, "petugas jutek": 1}


def test_a_paper_questionnaire_stores_the_themes(unit_admin, open_period):
    data = {
        "umur": "60",
        "jenis_kelamin": "L",
        "pendidikan": "SD/SEDERAJAT",
        "pekerjaan": "LAINNYA",
        "saran": "Mohon ruang tunggu ditambah kipas angin",
        "submission_id": str(uuid.uuid4()),
        **{f"u{k}": "3" for k in range(1, 10)},
    }
    assert unit_admin.post(reverse("surveys:paper_entry", args=["UPP017"]), data).status_code == 302
    stored = Response.objects.get(channel="paper")
    assert (stored.saran_unsur, stored.saran_jenis) == ("U8", "usul")
    assert tallies(open_period, "UPP017") == {"U8": (0, 1, 0)}
    assert phrase_counts(open_period, "UPP017", "U8") == {"ruang tunggu": 1, "kipas angin": 1}


def test_an_import_stores_the_themes_of_each_row_and_adds_them_up(reference_units, tmp_path):
    rows = [response_row(saran=COMPLAINT, umur=str(20 + n)) for n in range(3)]
    rows += [response_row(saran="syarat ribet", kode_unit="UPP002"), response_row(saran="-", umur="70")]
    period = import_rows(tmp_path, rows)
    stored = {(r.unit.kode, r.saran): (r.saran_unsur, r.saran_jenis) for r in Response.objects.select_related("unit")}
    assert stored[("UPP001", COMPLAINT)] == ("U3,U7", "keluhan")
    assert stored[("UPP002", "syarat ribet")] == ("U1", "keluhan")
    assert stored[("UPP001", "-")] == ("", "")
    assert tallies(period, "UPP001") == {"U3": (3, 0, 0), "U7": (3, 0, 0)}
    assert tallies(period, "UPP002") == {"U1": (1, 0, 0)}
    assert phrase_counts(period, "UPP001", "U3") == {"antrian lama": 3, "petugas jutek": 3}


def test_the_rebuild_gives_the_same_tallies_as_the_writes(open_period, client, reference_units, tmp_path):
    for text in (COMPLAINT, "Parkiran sempit", "Pelayanan cepat, petugas ramah"):
        client.post(questionnaire_url(), questionnaire_answers(saran=text))
    before = tallies(open_period, "UPP016"), phrase_counts(open_period, "UPP016", "U8")
    out = io.StringIO()
    call_command("saran_tema_rebuild", open_period.kode, stdout=out)
    assert "3 saran dikelompokkan lagi, 0 berubah temanya" in out.getvalue()
    assert (tallies(open_period, "UPP016"), phrase_counts(open_period, "UPP016", "U8")) == before


def edit_form(**changes: str) -> dict[str, str]:
    """The rules page's post for the rules in force, with some fields changed."""
    data = saran_rules_data()
    post = {
        f"{kode}_{strength}": "\n".join(data["unsur"].get(kode, {}).get(strength, []))
        for kode in (f"U{k}" for k in range(1, 10))
        for strength in ("kuat", "lemah_klausa", "lemah_teks")
    }
    post["negasi"] = "\n".join(data["negasi"])
    post["intensitas"] = "\n".join(data["intensitas"])
    post.update(changes)
    return post


def test_editing_a_rule_and_running_the_command_changes_the_stored_themes(
    open_period, client, city_admin, django_capture_on_commit_callbacks
):
    text = "Kopi encer sekali"
    client.post(questionnaire_url(), questionnaire_answers(saran=text))
    assert Response.objects.get().saran_unsur == ""
    url = reverse("surveys:saran_tema_rules")
    form = edit_form(U8_kuat="\n".join([*saran_rules_data()["unsur"]["U8"]["kuat"], "kopi"]))
    with django_capture_on_commit_callbacks(execute=True) as committed:  # in force once committed
        response = city_admin.post(url, form)
    assert response.status_code == 302 and len(committed) == 1
    assert "kopi" in SaranTemaAturan.objects.get().data["unsur"]["U8"]["kuat"]
    assert AuditEvent.objects.filter(action="saran_tema_ubah").exists()
    assert Response.objects.get().saran_unsur == ""  # stored themes wait for the command
    call_command("saran_tema_rebuild", stdout=io.StringIO())
    stored = Response.objects.get()
    assert (stored.saran_unsur, stored.saran_jenis) == ("U8", "keluhan")
    assert tallies(open_period, "UPP016") == {"U8": (1, 0, 0)}
    # New suggestions follow the saved rules at once.
    client.post(questionnaire_url(), questionnaire_answers(saran="kopi dingin"))
    assert Response.objects.latest("pk").saran_unsur == "U8"


def test_the_rules_page_refuses_bad_rules_in_indonesian_and_keeps_the_old_ones(open_period, city_admin):
    url = reverse("surveys:saran_tema_rules")
    response = city_admin.post(url, edit_form(U3_kuat="antrian\n!!!"))
    assert response.status_code == 200
    assert "pola kosong" in response.content.decode()
    response = city_admin.post(url, edit_form(negasi="x" * 101))
    assert "paling banyak 100 karakter" in response.content.decode()
    assert not SaranTemaAturan.objects.exists()


def test_only_city_admins_reach_the_rules_page(unit_admin, client, city_admin):
    url = reverse("surveys:saran_tema_rules")
    assert unit_admin.get(url).status_code in (403, 404)
    assert client.get(url).status_code == 302  # to the login page
    page = city_admin.get(url).content.decode()
    assert "saran_tema_rebuild" in page and 'name="U3_kuat"' in page


def test_the_public_page_shows_themes_above_the_minimum_and_never_a_suggestion(
    reference_units, tmp_path, client, settings
):
    secret = "Antrian lama, petugas Budi jutek <b>sekali</b>"
    rows = [response_row(kode_unit="UPP016", saran=secret, umur=str(20 + n)) for n in range(3)]
    import_rows(tmp_path, [*rows, response_row(kode_unit="UPP016", saran="Parkiran sempit")])
    period_lock(kode="2023-S2")
    url = reverse("public_rencana", args=["2023-S2", "UPP016"])
    settings.SKM_SARAN_TEMA_MIN = 3
    page = client.get(url).content.decode()
    assert "Yang paling sering disampaikan" in page
    assert "waktu pelayanan" in page and "3 saran" in page
    assert "Budi" not in page and "sekali" not in page and "Antrian lama" not in page
    assert "sarana" not in page.lower()  # one suggestion on facilities: under the minimum
    settings.SKM_SARAN_TEMA_MIN = 4
    assert "Yang paling sering disampaikan" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_classifying_the_demo_suggestions_takes_under_two_seconds(reference_units):
    call_command("load_demo", stdout=io.StringIO())
    started = time.perf_counter()
    out = io.StringIO()
    call_command("saran_tema_rebuild", stdout=out)
    assert time.perf_counter() - started < 2.0
    assert SaranTally.objects.exists(), out.getvalue()


@pytest.fixture
def complaints_2023(reference_units, tmp_path):
    """2023-S2: UPP017 (Dinas Kesehatan) has four complaints about the queue, one with markup."""
    texts = ["Antrian lama bgt", "antrian lama, <script>alert(1)</script>", "Antrian lama sekali", "antrian lama"]
    rows = [response_row(kode_unit="UPP017", saran=t, umur=str(20 + n)) for n, t in enumerate(texts)]
    rows.append(response_row(kode_unit="UPP001", saran="Parkiran sempit"))
    return import_rows(tmp_path, rows)


def test_the_unit_dashboard_shows_the_voice_of_respondents_escaped(complaints_2023, unit_admin):
    url = reverse("reports:unit_dashboard", args=["UPP017"])
    html = unit_admin.get(url, {"periode": "2023-S2"}).content.decode()
    section = html[html.index('id="suara"') :]
    assert "Suara responden" in section and 'id="suara-U3"' in section
    assert "antrian lama · 4" in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section and "<script>alert(1)" not in html
    assert "Parkiran" not in html  # another unit's suggestion


def test_another_units_admin_reaches_none_of_it(complaints_2023, other_unit_admin):
    for name in ("reports:unit_dashboard", "reports:prioritas", "reports:rencana"):
        args = ["UPP017"] if name == "reports:unit_dashboard" else ["UPP017", "2023-S2"]
        assert other_unit_admin.get(reverse(name, args=args), {"periode": "2023-S2"}).status_code == 404


def test_the_priority_and_plan_pages_show_the_most_complained_unsur(complaints_2023, unit_admin):
    html = unit_admin.get(reverse("reports:prioritas", args=["UPP017", "2023-S2"])).content.decode()
    assert "Paling banyak dikeluhkan responden: U3" in html and "(4 keluhan)" in html
    unit_admin.post(
        reverse("reports:prioritas", args=["UPP017", "2023-S2"]),
        {"prioritas_1": "U3", "prioritas_2": "U1", "prioritas_3": "U2"},
    )
    url = reverse("reports:rencana", args=["UPP017", "2023-S2"])
    assert "antrian lama · 4" in unit_admin.get(url).content.decode()
    prioritas = unit_admin.get(url).context["prioritas"][0]
    posted = {
        "prioritas": prioritas.pk,
        "teks": "Nomor antrian daring",
        "target": "2024-06-30",
        "penanggung_jawab": "Kepala TU",
        "tema_unsur": "U3",
    }
    assert unit_admin.post(url, posted).status_code == 302
    assert prioritas.tindak_lanjut.get().tema_unsur == "U3"
    assert unit_admin.post(url, posted | {"tema_unsur": "U99"}).status_code == 200  # refused, no 500


def test_the_city_sees_suggestions_per_unsur_in_its_dashboard_excel_and_internal_pdf(complaints_2023, city_admin):
    html = city_admin.get(reverse("reports:city_dashboard"), {"periode": "2023-S2"}).content.decode()
    section = html[html.index('id="saran-per-unsur"') :]
    assert "Saran per unsur" in section and "U3 Waktu Pelayanan" in section and "Dinas Kesehatan" in section
    buffer = io.BytesIO()
    write_report_xlsx(report_data(period=complaints_2023), buffer, rencana_of=complaints_2023)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["Saran per Unsur"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert ["UPP017", "U3", 4, 0] in [[r[0], r[2], r[4], r[5]] for r in rows]
    assert ["UPP001", "U8", 1, 0] in [[r[0], r[2], r[4], r[5]] for r in rows]
    PrioritasFactory(unit=Unit.objects.get(kode="UPP017"), period=complaints_2023, unsur_kode="U1")
    internal = " ".join(pdf_text(city_report_pdf(period=complaints_2023, public_edition=False)).split())
    assert "Prioritas dan keluhan responden" in internal
    assert "U1 U3 4 tidak" in internal
    public = " ".join(pdf_text(city_report_pdf(period=complaints_2023)).split())
    assert "Prioritas dan keluhan responden" not in public
