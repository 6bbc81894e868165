"""The demo data must recompute to the published city report (pure: no database)."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest

from reports.demo.reference import (
    ReferenceUnit,
    answer_sums,
    demo_response_rows,
    load_reference_units,
    realisasi_progress,
)
from reports.skm import ikm, mean, round_half_up, unsur_value

UNSUR_KEYS = [f"u{k}" for k in range(1, 10)]
CITY_UNSUR = [Decimal(v) for v in ["89.89", "90.02", "88.18", "95.64", "89.31", "89.49", "89.85", "87.51", "96.34"]]
CITY_IKM = Decimal("90.69")
CITY_REALISASI = Decimal("88.41")


@pytest.fixture(scope="module")
def units() -> list[ReferenceUnit]:
    return load_reference_units()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return demo_response_rows()


def kelompok_umur(umur: int) -> str:
    if umur < 20:
        return "< 20"
    if umur >= 50:
        return ">= 50"
    return f"{umur // 10 * 10}-{umur // 10 * 10 + 9}"


def test_reference_has_the_79_units(units):
    assert [u.kode for u in units] == [f"UPP{no:03d}" for no in range(1, 80)]
    assert sum(u.respondents for u in units) == 14249
    for unit in units:
        assert len(unit.unsur) == 9
        assert all(Decimal(25) <= v <= Decimal(100) for v in unit.unsur)
        assert 1 <= len(unit.prioritas) <= 3
        assert set(unit.prioritas) <= {f"U{k}" for k in range(1, 10)}


def test_answer_sums_reproduce_every_published_value(units):
    for unit in units:
        sums = answer_sums(unit)
        n = unit.respondents
        assert all(n <= s <= 4 * n for s in sums), unit.kode
        assert [round_half_up(unsur_value(s, n)) for s in sums] == list(unit.unsur), unit.kode
        assert round_half_up(ikm(sums, n)) == unit.ikm, unit.kode


def test_answer_sums_of_bkpsdm_match_the_method_example(units):
    bkpsdm = units[0]
    assert bkpsdm.kode == "UPP001" and bkpsdm.respondents == 178
    assert answer_sums(bkpsdm) == (681, 682, 694, 706, 686, 687, 701, 677, 702)


def test_answer_sums_refuse_impossible_values(units):
    # 2 respondents can only give multiples of 12,50.
    impossible = ReferenceUnit("X", 2, (Decimal("90.00"),) * 9, Decimal("90.00"), (), Decimal("0"))
    with pytest.raises(ValueError, match="X"):
        answer_sums(impossible)
    wrong_ikm = ReferenceUnit("Y", units[0].respondents, units[0].unsur, Decimal("96.00"), (), Decimal("0"))
    with pytest.raises(ValueError, match="Y"):
        answer_sums(wrong_ikm)


def test_city_row_is_the_unweighted_mean_over_units(units):
    values = [[unsur_value(s, u.respondents) for s in answer_sums(u)] for u in units]
    for k in range(9):
        assert round_half_up(mean(v[k] for v in values)) == CITY_UNSUR[k], f"U{k + 1}"
    assert round_half_up(mean(ikm(answer_sums(u), u.respondents) for u in units)) == CITY_IKM
    assert round_half_up(mean(Fraction(u.realisasi) for u in units)) == CITY_REALISASI


def test_rows_reproduce_each_unit(units, rows):
    assert len(rows) == 14249
    by_unit: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_unit[row["kode_unit"]].append(row)
    assert set(by_unit) == {u.kode for u in units}
    for unit in units:
        unit_rows = by_unit[unit.kode]
        assert len(unit_rows) == unit.respondents, unit.kode
        sums = tuple(sum(int(r[key]) for r in unit_rows) for key in UNSUR_KEYS)
        assert sums == answer_sums(unit), unit.kode
        months = {r["tanggal"][5:7] for r in unit_rows}
        if unit.respondents >= 2:
            assert {"07", "10"} <= months, unit.kode


def test_rows_match_the_report_profile(rows):
    assert Counter(kelompok_umur(int(r["umur"])) for r in rows) == {
        "< 20": 1275,
        "20-29": 3138,
        "30-39": 3797,
        "40-49": 3425,
        ">= 50": 2614,
    }
    assert Counter(r["jenis_kelamin"] for r in rows) == {"L": 7184, "P": 7065}
    assert Counter(r["pendidikan"] for r in rows) == {
        "DIPLOMA": 772,
        "LAINNYA": 154,
        "S1": 2223,
        "S2/S3": 176,
        "SD/SEDERAJAT": 1955,
        "SMA/SMK/SEDERAJAT": 6217,
        "SMP/SEDERAJAT": 2752,
    }
    assert Counter(r["pekerjaan"] for r in rows) == {
        "KARYAWAN": 1896,
        "LAINNYA": 7007,
        "MAHASISWA/PELAJAR": 1314,
        "PNS/P3K": 1518,
        "TNI/POLRI": 35,
        "WIRASWASTA": 2479,
    }
    assert all(15 <= int(r["umur"]) <= 75 for r in rows)


def test_rows_are_well_formed(rows):
    keys = [
        "kode_unit",
        "tanggal",
        "umur",
        "jenis_kelamin",
        "pendidikan",
        "pekerjaan",
        "jenis_layanan",
        *UNSUR_KEYS,
        "saran",
    ]
    for row in rows:
        assert list(row) == keys
        assert all(isinstance(v, str) for v in row.values())
        assert all(row[key] in {"1", "2", "3", "4"} for key in UNSUR_KEYS)
        assert "2023-07-01 00:00" <= row["tanggal"] <= "2023-10-31 23:59"
        assert "08:00" <= row["tanggal"][11:] <= "16:00"
        assert row["jenis_layanan"] == "Layanan Umum"
    answers = Counter(row[key] for row in rows for key in UNSUR_KEYS)
    assert len(answers) >= 3  # not just two adjacent answers everywhere
    assert 0 < sum(1 for row in rows if row["saran"]) < len(rows) / 2


def test_rows_are_deterministic_per_seed(rows):
    assert demo_response_rows() == rows
    assert demo_response_rows(seed=7) != rows


def test_answer_sums_search_neighbours_for_large_units():
    # With n >= 2500 several sums display alike; the IKM decides between them.
    n = 9000
    sums = (31234, 30001, 29999, 35555, 32222, 31111, 30777, 28888, 34999)
    unit = ReferenceUnit(
        "BIG", n, tuple(round_half_up(unsur_value(s, n)) for s in sums), round_half_up(ikm(sums, n)), (), Decimal(0)
    )
    found = answer_sums(unit)
    assert [round_half_up(unsur_value(s, n)) for s in found] == list(unit.unsur)
    assert round_half_up(ikm(found, n)) == unit.ikm


@pytest.mark.parametrize("value", ["100.00", "0.00", "85.71", "92.61", "99.05", "67.00", "88.41"])
def test_realization_progress_averages_to_the_published_value(value):
    progress = realisasi_progress(Decimal(value))
    assert all(0 <= p <= 100 for p in progress)
    assert round_half_up(Fraction(sum(progress), len(progress))) == Decimal(value)
