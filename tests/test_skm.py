"""The pure SKM engine against the regulation's table and the city report's figures."""

from decimal import Decimal
from fractions import Fraction

import pytest

from reports import skm
from reports.models import KatalogTindakLanjut
from reports.selectors.results import UnitResult

BKPSDM_SUMS = (681, 682, 694, 706, 686, 687, 701, 677, 702)


def test_unsur_values_of_bkpsdm_match_the_report():
    values = [skm.round_half_up(skm.unsur_value(s, 178)) for s in BKPSDM_SUMS]
    assert values == [
        Decimal(v) for v in ["95.65", "95.79", "97.47", "99.16", "96.35", "96.49", "98.46", "95.08", "98.60"]
    ]


def test_the_report_rounds_every_unsur_value_as_round_half_up_does():
    # Every sum a unit of 1..40, 178 or 400 respondents can have (ties at ,xx5 included: 9 x 25 / 8 = 28,125).
    for respondents in (*range(1, 41), 178, 400):
        sums = range(respondents, 4 * respondents + 1)
        expected = [float(skm.round_half_up(skm.unsur_value(s, respondents))) for s in sums]
        assert list(skm.unsur_values_rounded(sums, respondents)) == expected, respondents
    assert skm.unsur_values_rounded(BKPSDM_SUMS, 178)[:2] == (95.65, 95.79)


def test_ikm_uses_exact_ninth_weights():
    value = skm.ikm(BKPSDM_SUMS, 178)
    assert skm.round_half_up(value) == Decimal("97.00")
    # The regulation's rounded weight 0,111 would publish 96,91 instead.
    rounded_weight = sum(Fraction("0.111") * skm.unsur_value(s, 178) for s in BKPSDM_SUMS)
    assert skm.round_half_up(rounded_weight) == Decimal("96.91")


def test_ikm_needs_nine_sums_and_respondents():
    with pytest.raises(ValueError):
        skm.ikm(BKPSDM_SUMS[:8], 178)
    with pytest.raises(ValueError):
        skm.unsur_value(10, 0)


@pytest.mark.parametrize(
    "value, expected",
    [("88.305", "88.31"), ("88.304999", "88.30"), ("90.685", "90.69"), ("0.125", "0.13"), ("2.5", "2.50")],
)
def test_round_half_up_is_not_bankers_rounding(value, expected):
    assert skm.round_half_up(Fraction(value)) == Decimal(expected)


def test_round_half_up_to_other_places():
    assert skm.round_half_up(Fraction(1, 8), 1) == Decimal("0.1")
    assert skm.round_half_up(Fraction(15, 100), 1) == Decimal("0.2")
    assert skm.round_half_up(Decimal("131.5"), 0) == Decimal("132")


@pytest.mark.parametrize(
    "value, label, grade",
    [
        ("100", "Sangat Baik", "A"),
        ("88.31", "Sangat Baik", "A"),
        ("88.32", "Sangat Baik", "A"),  # Dinas Pertanian Dan Pangan in the report
        ("88.30", "Baik", "B"),
        ("88.29", "Baik", "B"),  # Kelurahan Padukuhan Kraton in the report
        ("76.61", "Baik", "B"),
        ("76.60", "Kurang Baik", "C"),
        ("65.00", "Kurang Baik", "C"),
        ("64.99", "Tidak Baik", "D"),
        ("25", "Tidak Baik", "D"),
    ],
)
def test_category_edges(value, label, grade):
    kategori = skm.kategori(Fraction(value))
    assert (kategori.label, kategori.grade) == (label, grade)


def test_category_is_decided_on_the_unrounded_value():
    # 88,3049... displays as 88,30 and is Baik; a value just under 88,31 is not yet Sangat Baik.
    assert skm.kategori(Fraction("88.3049")).grade == "B"
    assert skm.kategori(Fraction("88.3099")).grade == "B"
    assert skm.kategori(Fraction("64.999")).grade == "D"


def test_category_below_the_scale_is_an_error():
    with pytest.raises(ValueError):
        skm.kategori(Fraction(24))


@pytest.mark.parametrize(
    "population, sample",
    [(100, 80), (200, 132), (500, 217), (1000, 278), (5000, 357), (10000, 370), (100000, 384), (10**6, 384)],
)
def test_minimum_sample_follows_krejcie_and_morgan(population, sample):
    assert skm.minimum_sample(population) == sample


def test_minimum_sample_never_exceeds_the_population():
    assert skm.minimum_sample(1) == 1
    assert skm.minimum_sample(10) == 10
    with pytest.raises(ValueError):
        skm.minimum_sample(0)


def test_mean_is_unweighted():
    assert skm.mean([Fraction(90), Fraction(80)]) == 85
    with pytest.raises(ValueError):
        skm.mean([])


@pytest.mark.django_db
def test_the_catalog_follows_the_report_columns():
    sarana = KatalogTindakLanjut.objects.get(unsur__kode="U8", nomor=1).teks
    pengaduan = KatalogTindakLanjut.objects.get(unsur__kode="U9", nomor=1).teks
    assert "sarana dan prasarana" in sarana.lower()
    assert "pengaduan" in pengaduan.lower()
    assert KatalogTindakLanjut.objects.count() == 27


def test_a_units_category_in_integers_is_the_regulations_on_its_exact_ikm():
    # reports.selectors.results.UnitResult.kategori compares in integers (no Fraction per unit); every
    # total of nine answers for 1..30 and 178 respondents lands in the same row as skm.kategori.
    for respondents in (*range(1, 31), 178):
        for total in range(9 * respondents, 36 * respondents + 1):
            sums = (total // 9 + (k < total % 9) for k in range(9))
            result = UnitResult(
                unit_id=1, kode="U", nama="U", metode="", populasi=None, respondents=respondents,
                answer_sums=tuple(sums), first_at=None, last_at=None,
            )  # fmt: skip
            assert result.kategori == skm.kategori(skm.ikm(result.answer_sums, respondents)), (respondents, total)
