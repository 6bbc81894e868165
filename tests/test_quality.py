"""Trust in the numbers: the IKM's 95 % interval (checked against scipy), sample adequacy and
data-quality flags raised through the real submission and import paths."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from datetime import datetime, timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from scipy import stats as scipy_stats

from reports import stats
from reports.demo.reference import demo_response_rows
from reports.models import FlagReview
from reports.pdf.city import city_report_html, city_report_pdf
from reports.selectors import flags as quality
from reports.selectors.results import city_result, unit_results
from surveys.models import UNSUR_FIELDS, Response, UnitPeriod
from surveys.services.periods import period_get_or_create
from surveys.services.response_import import responses_import
from tests.conftest import import_rows, pdf_text, questionnaire_answers, response_row
from tests.factories import ResponseFactory
from units.models import AuditEvent, Unit

pytestmark = pytest.mark.django_db


def random_rows(kode, n, seed, base="2023-08-01 08:00", spread_minutes=60 * 24 * 60, weights=(1, 2, 4, 6)):
    rng = random.Random(seed)
    start = datetime.fromisoformat(base)
    return [
        response_row(
            kode_unit=kode,
            umur=str(rng.randint(18, 70)),
            tanggal=(start + timedelta(minutes=rng.randrange(spread_minutes))).strftime("%Y-%m-%d %H:%M"),
            **{f: str(rng.choices((1, 2, 3, 4), weights)[0]) for f in UNSUR_FIELDS},
        )
        for _ in range(n)
    ]


def scipy_interval(rows, population=None):
    """The independent computation: per-response scores, scipy's t interval, FPC by hand."""
    scores = np.array([sum(int(r[f]) for f in UNSUR_FIELDS) / 9 * 25 for r in rows])
    n = len(scores)
    sem = scipy_stats.sem(scores)
    if population is not None:  # simple random sampling without replacement (Cochran)
        sem *= np.sqrt(1 - n / population)
    low, high = scipy_stats.t.interval(0.95, n - 1, loc=scores.mean(), scale=sem)
    return max(25.0, low), min(100.0, high)


def json_report(tmp_path, *args):
    output = tmp_path / "report.json"
    call_command(
        "skm_report", "--period", "2023-S2", "--format", "json", "--output", str(output), *args, stdout=io.StringIO()
    )
    return json.loads(output.read_text())


def result_of(period, kode):
    return unit_results(period=period, units=[Unit.objects.get(kode=kode)])[0]


@pytest.mark.parametrize("n", [2, 3, 7, 40, 400])
@pytest.mark.parametrize("population", [None, "large", "close", "exceeded"])
def test_the_interval_equals_scipys_t_interval(reference_units, tmp_path, n, population):
    rows = random_rows("UPP016", n, seed=n)
    period = import_rows(tmp_path, rows)
    populasi = {None: None, "large": 50_000, "close": n + 3, "exceeded": n - 1}[population]
    if populasi:
        UnitPeriod.objects.create(unit=Unit.objects.get(kode="UPP016"), period=period, populasi=populasi)
    low, high = result_of(period, "UPP016").ikm_ci95
    # More respondents than the population is not believed (a flag says so): no correction.
    expected_low, expected_high = scipy_interval(rows, populasi if population != "exceeded" else None)
    assert low == pytest.approx(expected_low, abs=1e-9)
    assert high == pytest.approx(expected_high, abs=1e-9)
    if populasi == n + 3 and n >= 7:  # nearly everyone answered: the correction narrows the interval a lot
        plain_low, plain_high = scipy_interval(rows)
        assert high - low < (plain_high - plain_low) * 0.6


@pytest.mark.parametrize(
    "p, degrees",
    [
        # The interval's: every respondent count of a province's units, a city's Welch degrees.
        (0.975, [*range(1, 3001), 10_000_000]),
        (0.51, range(1, 3001, 37)),
        (0.995, range(1, 3001, 37)),
    ],
)
def test_the_t_quantile_equals_scipys(p, degrees):
    stats.t_quantile.cache_clear()
    for dof in [*degrees, 0.5, 1.5, 2.7, 10.3, 5_000, 100_000]:
        assert stats.t_quantile(p, float(dof)) == pytest.approx(scipy_stats.t.ppf(p, dof), rel=1e-9, abs=1e-10), dof
    assert stats.t_quantile(p, float("inf")) == pytest.approx(scipy_stats.norm.ppf(p), rel=1e-12)


def test_one_respondent_has_no_interval_and_the_json_says_null(reference_units, tmp_path):
    period = import_rows(tmp_path, [response_row(kode_unit="UPP016")])
    assert result_of(period, "UPP016").ikm_ci95 is None
    unit = json_report(tmp_path, "--unit", "UPP016")["units"][0]
    assert unit["ikm_ci95"] is None and unit["min_sample"] is None and unit["sample_ok"] is None


def test_the_city_interval_combines_the_unit_variances(reference_units, tmp_path):
    groups = {
        "UPP001": random_rows("UPP001", 30, 1),
        "UPP002": random_rows("UPP002", 12, 2, weights=(3, 3, 2, 1)),
        "UPP003": random_rows("UPP003", 250, 3),
    }
    period = import_rows(tmp_path, [row for rows in groups.values() for row in rows])
    city = city_result(unit_results(period=period))
    means, variances, dofs = [], [], []
    for rows in groups.values():
        scores = np.array([sum(int(r[f]) for f in UNSUR_FIELDS) / 9 * 25 for r in rows])
        means.append(scores.mean())
        variances.append(scores.var(ddof=1) / len(scores))
        dofs.append(len(scores) - 1)
    k = len(groups)
    variance = sum(variances) / k**2
    dof = sum(variances) ** 2 / sum(v**2 / d for v, d in zip(variances, dofs, strict=True))
    half = scipy_stats.t.ppf(0.975, dof) * np.sqrt(variance)
    assert city.ikm_ci95 == pytest.approx((np.mean(means) - half, np.mean(means) + half), abs=1e-9)
    assert float(city.ikm) == pytest.approx(np.mean(means), abs=1e-9)


def test_the_json_adds_interval_sample_and_flags_and_keeps_the_existing_keys(reference_units, tmp_path):
    rows = random_rows("UPP016", 40, 5) + random_rows("UPP017", 10, 6)
    period = import_rows(tmp_path, rows)
    UnitPeriod.objects.create(unit=Unit.objects.get(kode="UPP016"), period=period, populasi=44)  # K&M: 40
    UnitPeriod.objects.create(unit=Unit.objects.get(kode="UPP017"), period=period, populasi=8)
    data = json_report(tmp_path)
    units = {u["code"]: u for u in data["units"]}
    upp016, upp017 = units["UPP016"], units["UPP017"]
    assert {
        "code",
        "name",
        "respondents",
        "unsur",
        "ikm",
        "category",
        "grade",
        "collection_period",
        "method",
        "priorities",
        "realization",
    } <= set(upp016)
    low, high = scipy_interval([r for r in rows if r["kode_unit"] == "UPP016"], 44)
    assert upp016["ikm_ci95"] == [round(low + 1e-12, 2), round(high + 1e-12, 2)]
    assert (upp016["min_sample"], upp016["sample_ok"], upp016["flags"]) == (40, True, [])
    # 10 respondents for a population of 8: a census with more answers than service users.
    assert (upp017["min_sample"], upp017["sample_ok"]) == (8, True)
    assert upp017["flags"] == ["over_population"]
    silent = units["UPP001"]
    assert (silent["ikm_ci95"], silent["min_sample"], silent["sample_ok"], silent["flags"]) == (None, None, None, [])
    assert len(data["overall"]["ikm_ci95"]) == 2
    assert data["overall"]["ikm_ci95"][0] <= data["overall"]["ikm"] <= data["overall"]["ikm_ci95"][1]


def codes(period, kode):
    return [flag.code for flag in quality.unit_flags(period=period, result=result_of(period, kode))]


def post_questionnaire(client, address, **overrides):
    data = questionnaire_answers(**{"saran": "", **overrides})
    response = client.post(reverse("surveys:questionnaire", args=["UPP016"]), data, REMOTE_ADDR=address)
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_burst_from_one_device_is_flagged_through_the_questionnaire(open_period, client, settings):
    settings.SKM_FLAG_BURST_RESPONSES = 5
    for age in range(30, 34):  # four from one phone: below the threshold
        post_questionnaire(client, "198.51.100.9", umur=str(age))
    post_questionnaire(client, "198.51.100.10")
    assert "burst" not in codes(open_period, "UPP016")
    post_questionnaire(client, "198.51.100.9", umur="40")
    flags = quality.unit_flags(period=open_period, result=result_of(open_period, "UPP016"))
    (burst,) = [flag for flag in flags if flag.code == "burst"]
    assert (burst.facts["clients"], burst.facts["largest"], burst.facts["responses"]) == (1, 5, 5)
    assert "5" in burst.evidence and "10" in burst.evidence
    assert Response.objects.count() == 6  # a flag never removes a response


def test_bursts_spread_over_more_than_the_window_are_not_flagged(reference_units, tmp_path, settings):
    period = import_rows(tmp_path, [response_row(kode_unit="UPP016")])
    unit = Unit.objects.get(kode="UPP016")
    start = datetime.fromisoformat("2023-08-01T09:00:00+07:00")
    Response.objects.bulk_create(
        [
            ResponseFactory.build(
                unit=unit,
                period=period,
                submitted_at=start + timedelta(minutes=3 * i),
                umur=20 + i,
                client_hash="a" * 64,
            )
            for i in range(5)  # five within 12 minutes, never five within 10
        ]
    )
    call_command("rebuild_tallies", period.kode, stdout=io.StringIO())  # rows written outside the portal
    assert "burst" not in codes(period, "UPP016")
    settings.SKM_FLAG_BURST_MINUTES = 12
    assert "burst" not in codes(period, "UPP016")  # a new window counts from the next rebuild
    call_command("rebuild_tallies", period.kode, stdout=io.StringIO())
    assert "burst" in codes(period, "UPP016")


def test_identical_submissions_within_the_window_are_flagged(open_period, client):
    post_questionnaire(client, "198.51.100.21", umur="44", saran="Pelayanan cepat")
    post_questionnaire(client, "198.51.100.22", umur="44", saran="Pelayanan cepat")  # another device, same content
    post_questionnaire(client, "198.51.100.23", umur="44", saran="Pelayanan cepat!")
    flags = quality.unit_flags(period=open_period, result=result_of(open_period, "UPP016"))
    (duplicate,) = [flag for flag in flags if flag.code == "duplicate"]
    assert duplicate.facts["repeats"] == 1


def test_identical_paper_rows_typed_twice_are_flagged_but_not_hours_apart(reference_units, tmp_path):
    rows = [
        response_row(kode_unit="UPP016", tanggal="2023-08-01 09:00", umur="51"),
        response_row(kode_unit="UPP016", tanggal="2023-08-01 09:20", umur="51"),
        response_row(kode_unit="UPP017", tanggal="2023-08-01 09:00", umur="51"),
        response_row(kode_unit="UPP017", tanggal="2023-08-01 11:00", umur="51"),
    ]
    period = import_rows(tmp_path, rows)
    assert codes(period, "UPP016") == ["duplicate"]
    assert codes(period, "UPP017") == []


@pytest.mark.parametrize("identical, flagged", [(28, True), (27, False)])
def test_nearly_identical_answers_are_flagged_over_ninety_percent(reference_units, tmp_path, identical, flagged):
    rows = [
        response_row(kode_unit="UPP016", umur=str(20 + i), tanggal=f"2023-08-{1 + i:02d} 10:00")
        for i in range(identical)
    ]
    rows += [
        response_row(kode_unit="UPP016", umur=str(60 + i), u3="2", tanggal=f"2023-09-{1 + i:02d} 10:00")
        for i in range(30 - identical)
    ]
    period = import_rows(tmp_path, rows)
    assert ("uniform_answers" in codes(period, "UPP016")) is flagged


def test_uniform_answers_need_thirty_respondents(reference_units, tmp_path):
    rows = [
        response_row(kode_unit="UPP016", umur=str(20 + i), tanggal=f"2023-08-{1 + i:02d} 10:00") for i in range(29)
    ]
    assert codes(import_rows(tmp_path, rows), "UPP016") == []


def test_more_respondents_than_the_population_is_flagged(unit_admin, tmp_path):
    period = import_rows(tmp_path, [response_row(kode_unit="UPP017", umur=str(20 + i)) for i in range(6)])
    response = unit_admin.post(
        reverse("reports:unit_period_settings", args=["UPP017", "2023-S2"]), {"populasi": "5", "metode": "Online"}
    )
    assert response.status_code == 302
    assert codes(period, "UPP017") == ["over_population"]


def test_an_ikm_change_of_more_than_ten_points_is_flagged(reference_units, tmp_path):
    before = [
        response_row(kode_unit=k, umur=str(20 + i), tanggal="2023-03-01 10:00")
        for k in ("UPP016", "UPP017")
        for i in range(4)
    ]
    import_rows(tmp_path, before, period="2023-S1", name="s1.csv")
    low = dict.fromkeys(UNSUR_FIELDS, "3")  # IKM 75: 25 points down
    slight = {**dict.fromkeys(UNSUR_FIELDS, "4"), "u1": "3", "u2": "3", "u3": "3"}  # 91,67: 8,33 down
    now = [response_row(kode_unit="UPP016", umur=str(20 + i), **low) for i in range(4)]
    now += [response_row(kode_unit="UPP017", umur=str(20 + i), **slight) for i in range(4)]
    period = import_rows(tmp_path, now)
    flags = quality.unit_flags(period=period, result=result_of(period, "UPP016"))
    assert [flag.code for flag in flags] == ["ikm_change"]
    assert flags[0].facts["change"] == "-25,00" and flags[0].facts["previous_period"] == "2023-S1"
    assert codes(period, "UPP017") == []


def test_a_clean_reference_sized_period_raises_no_burst_or_duplicate_flag(reference_units):
    rows = demo_response_rows(seed=5)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    period = period_get_or_create(kode="2023-S2")
    responses_import(source=io.BytesIO(buffer.getvalue().encode()), filename="ref.csv", period=period)
    # As if it had come through the form: online, from devices that each answered a few
    # times over the semester (returning visitors), never in a burst.
    rng = random.Random(5)
    updates = []
    for response in Response.objects.only("pk", "unit_id"):
        response.channel = "online"
        response.client_hash = hashlib.sha256(f"{response.unit_id}-{rng.randrange(150)}".encode()).hexdigest()
        updates.append(response)
    Response.objects.bulk_update(updates, ["channel", "client_hash"], batch_size=2000)
    flags = quality.period_flags(period=period, results=unit_results(period=period))
    raised = {flag.code for unit_flags in flags.values() for flag in unit_flags}
    assert Response.objects.count() == 14_249
    assert not raised & {"burst", "duplicate"}


@pytest.fixture
def flagged_period(reference_units, tmp_path):
    """UPP017 with more respondents (6) than its population (5)."""
    period = import_rows(tmp_path, [response_row(kode_unit="UPP017", umur=str(20 + i)) for i in range(6)])
    UnitPeriod.objects.create(unit=Unit.objects.get(kode="UPP017"), period=period, populasi=5)
    return period


def review(client, note, code="over_population"):
    return client.post(reverse("reports:flag_review", args=["UPP017", "2023-S2", code]), {"catatan": note})


def test_the_city_admin_reviews_a_flag_with_a_note_and_new_evidence_reopens_it(city_admin, flagged_period):
    dashboard = reverse("reports:unit_dashboard", args=["UPP017"]) + "?periode=2023-S2"
    html = city_admin.get(dashboard).content.decode()
    assert 'data-flag="over_population"' in html and "Tandai sudah ditinjau" in html
    response = review(city_admin, "Populasi salah tulis, sudah dikonfirmasi UPP")
    assert response.status_code == 302
    (flag,) = quality.unit_flags(period=flagged_period, result=result_of(flagged_period, "UPP017"))
    assert flag.reviewed and flag.review.catatan == "Populasi salah tulis, sudah dikonfirmasi UPP"
    assert AuditEvent.objects.filter(action="tanda_ditinjau").exists()
    html = city_admin.get(dashboard).content.decode()
    assert "sudah ditinjau" in html and "Populasi salah tulis" in html
    assert Response.objects.count() == 6
    # A new population is new evidence: the flag opens again.
    UnitPeriod.objects.filter(unit__kode="UPP017").update(populasi=4)
    (flag,) = quality.unit_flags(period=flagged_period, result=result_of(flagged_period, "UPP017"))
    assert not flag.reviewed and flag.review is not None


def test_a_review_needs_a_note_and_a_raised_flag(city_admin, flagged_period):
    response = review(city_admin, "   ")
    assert response.status_code == 302
    assert "catatan" in city_admin.get(response["Location"]).content.decode().lower()
    response = review(city_admin, "tidak ada", code="burst")
    assert "tidak lagi" in city_admin.get(response["Location"]).content.decode()
    assert not FlagReview.objects.exists()


def test_a_unit_admin_sees_the_flags_but_cannot_review_them(unit_admin, flagged_period):
    html = unit_admin.get(reverse("reports:unit_dashboard", args=["UPP017"]), {"periode": "2023-S2"}).content.decode()
    assert 'data-flag="over_population"' in html
    assert 'name="catatan"' not in html
    assert review(unit_admin, "saya tinjau sendiri").status_code == 404
    assert not FlagReview.objects.exists()


def test_the_dashboards_show_the_interval_sample_and_flags(city_admin, flagged_period, tmp_path):
    import_rows(tmp_path, random_rows("UPP016", 30, 9), name="more.csv")
    html = city_admin.get(reverse("reports:unit_dashboard", args=["UPP017"]), {"periode": "2023-S2"}).content.decode()
    assert 'id="ikm-interval"' in html and "interval-range" in html
    assert "Responden melebihi populasi" in html
    city = reverse("reports:city_dashboard")
    html = city_admin.get(city, {"periode": "2023-S2", "urut": "-tanda"}).content.decode()
    table = html[html.index('id="city-table"') :]
    assert table.index("Dinas Kesehatan") < table.index(Unit.objects.get(kode="UPP016").nama)
    assert "populasi belum diisi" in html
    assert 'id="city-interval"' in html
    assert city_admin.get(city, {"periode": "2023-S2", "urut": "sampel"}).status_code == 200


def test_the_help_page_explains_the_interval_and_each_flag(unit_admin):
    html = unit_admin.get(reverse("reports:help_quality")).content.decode()
    for words in (
        "Selang kepercayaan 95 %",
        "Populasi belum diisi",
        "Lonjakan dari satu perangkat",
        "Isian kembar",
        "Responden melebihi populasi",
        "Jawaban seragam",
        "Perubahan IKM besar",
    ):
        assert words in html, words
    assert Client().get(reverse("reports:help_quality")).status_code == 302  # staff help: login first


def test_the_internal_report_has_the_data_quality_annex_and_the_public_one_not(flagged_period):
    internal = " ".join(pdf_text(city_report_pdf(period=flagged_period, public_edition=False)).split())
    assert "CATATAN KUALITAS DATA" in internal and "Responden melebihi populasi" in internal
    assert "6 responden, tetapi unit mengisi 5 penerima layanan" in internal  # the evidence, in Indonesian
    assert "Unit yang belum mengisi populasi" not in internal  # UPP017 entered its population
    public = city_report_html(period=flagged_period, public_edition=True)
    assert "CATATAN KUALITAS DATA" not in public


def online_responses(period, kode, client, arrivals, fillings):
    unit = Unit.objects.get(kode=kode)
    Response.objects.bulk_create(
        [
            ResponseFactory.build(
                unit=unit, period=period, submitted_at=arrived, diisi_pada=filled, umur=20 + i % 50, client_hash=client
            )
            for i, (arrived, filled) in enumerate(zip(arrivals, fillings, strict=True))
        ]
    )
    call_command("rebuild_tallies", period.kode, stdout=io.StringIO())  # rows written outside the portal


def test_a_script_claiming_old_filling_times_is_still_a_burst_by_arrival(reference_units, tmp_path):
    period = import_rows(tmp_path, [response_row(kode_unit="UPP016")])
    start = datetime.fromisoformat("2023-09-10T10:00:00+07:00")
    arrivals = [start + timedelta(seconds=20 * i) for i in range(6)]
    fillings = [start - timedelta(days=i, hours=3) for i in range(6)]  # "filled offline" days apart
    online_responses(period, "UPP016", "b" * 64, arrivals, fillings)
    (burst,) = [f for f in quality.unit_flags(period=period, result=result_of(period, "UPP016")) if f.code == "burst"]
    assert burst.facts["largest"] == 6


def test_a_flag_with_many_devices_can_be_reviewed(city_admin, reference_units, tmp_path):
    period = import_rows(tmp_path, [response_row(kode_unit="UPP017")])
    start = datetime.fromisoformat("2023-09-10T10:00:00+07:00")
    for device in range(45):  # e.g. a school class on the office wifi... 45 keyed hashes
        times = [start + timedelta(hours=device, minutes=i) for i in range(5)]
        online_responses(period, "UPP017", hashlib.sha256(str(device).encode()).hexdigest(), times, times)
    response = review(city_admin, "Kelas sekolah berkunjung, diperiksa", code="burst")
    assert response.status_code == 302
    (flag,) = [f for f in quality.unit_flags(period=period, result=result_of(period, "UPP017")) if f.code == "burst"]
    assert flag.facts["clients"] == 45 and flag.reviewed
