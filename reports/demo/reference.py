"""Demo data reproducing the city report of Kota Pekalongan, Semester II 2023.

``data/pekalongan-2023-s2.csv`` holds the published figures of the 79 units (UPP001..
UPP079). Only figures are published, never answers, so the portal's demo needs respondent
rows whose answer sums recompute to exactly those figures, with the report's BAB II
respondent profile. Everything here is pure (no Django), so it can be tested without a
database and used by an import command or a fixture alike.

Units 25 and 60 are missing from the text export of the report; their rows in the CSV are
plausible values chosen so that the 79-unit means still give the published city row.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import chain
from pathlib import Path

from reports.skm import SCALE, UNSUR_COUNT, ikm, round_half_up, unsur_value

DATA_DIR: Path = Path(__file__).resolve().parent / "data"
REFERENCE_FILE: Path = DATA_DIR / "pekalongan-2023-s2.csv"
UNITS_FILE: Path = DATA_DIR / "upp-pekalongan.csv"

# BAB II of the report: the respondent profile over all 14.249 respondents.
RESPONDEN_PER_KELOMPOK_UMUR: dict[str, int] = {
    "< 20": 1275,
    "20-29": 3138,
    "30-39": 3797,
    "40-49": 3425,
    ">= 50": 2614,
}
# The ages drawn for each band (the open bands get plausible ends).
UMUR_PER_KELOMPOK: dict[str, tuple[int, int]] = {
    "< 20": (15, 19),
    "20-29": (20, 29),
    "30-39": (30, 39),
    "40-49": (40, 49),
    ">= 50": (50, 75),
}
JENIS_KELAMIN: dict[str, int] = {"L": 7184, "P": 7065}
PENDIDIKAN: dict[str, int] = {
    "DIPLOMA": 772,
    "LAINNYA": 154,
    "S1": 2223,
    "S2/S3": 176,
    "SD/SEDERAJAT": 1955,
    "SMA/SMK/SEDERAJAT": 6217,
    "SMP/SEDERAJAT": 2752,
}
PEKERJAAN: dict[str, int] = {
    "KARYAWAN": 1896,
    "LAINNYA": 7007,
    "MAHASISWA/PELAJAR": 1314,
    "PNS/P3K": 1518,
    "TNI/POLRI": 35,
    "WIRASWASTA": 2479,
}

# The report prints every unit's window as "Juli - Oktober 2023".
FIRST_DAY = date(2023, 7, 1)
LAST_DAY = date(2023, 10, 31)
JENIS_LAYANAN = "Layanan Umum"
SARAN_SHARE = 0.08
SARAN: tuple[str, ...] = (
    "Pelayanan cepat.",
    "Ruang tunggu perlu kipas angin.",
    "Petugas ramah, terima kasih.",
    "Antrian mohon lebih tertib.",
    "Informasi persyaratan agar dipasang di papan pengumuman.",
    "Parkir kendaraan kurang luas.",
    "Mohon disediakan air minum di ruang tunggu.",
    "Jam pelayanan agar tepat waktu.",
    "Sudah baik, pertahankan.",
    "Toilet perlu lebih bersih.",
)

UNSUR_KEYS: tuple[str, ...] = tuple(f"u{k}" for k in range(1, UNSUR_COUNT + 1))
CSV_FIELDS: tuple[str, ...] = ("kode", "respondents", *UNSUR_KEYS, "ikm", "prioritas", "realisasi")


@dataclass(frozen=True)
class ReferenceUnit:
    kode: str
    respondents: int
    unsur: tuple[Decimal, ...]  # U1..U9 as published (2 decimals)
    ikm: Decimal
    prioritas: tuple[str, ...]  # e.g. ("U2", "U1", "U8"), in the unit's order
    realisasi: Decimal  # realization of the previous period's follow-up, percent


def load_reference_units(path: Path = REFERENCE_FILE) -> list[ReferenceUnit]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            ReferenceUnit(
                kode=row["kode"],
                respondents=int(row["respondents"]),
                unsur=tuple(Decimal(row[key]) for key in UNSUR_KEYS),
                ikm=Decimal(row["ikm"]),
                prioritas=tuple(row["prioritas"].split()),
                realisasi=Decimal(row["realisasi"]),
            )
            for row in csv.DictReader(handle)
        ]


def _sum_candidates(value: Decimal, n: int) -> list[int]:
    """All answer sums in n..4n whose unsur value displays as ``value``."""
    # A displayed value covers a band 0.01 wide, i.e. 0.0004 n in sum units: scan a little
    # beyond it and let round_half_up decide, so the rounding rule lives in one place.
    centre = Fraction(value) * n / SCALE
    slack = n // 2500 + 2
    low = max(n, int(centre) - slack)
    high = min(4 * n, int(centre) + slack + 1)
    return [s for s in range(low, high + 1) if round_half_up(unsur_value(s, n)) == value]


def answer_sums(unit: ReferenceUnit) -> tuple[int, ...]:
    """The nine answer sums that reproduce the unit's published unsur values and IKM."""
    n = unit.respondents
    if n <= 0 or len(unit.unsur) != UNSUR_COUNT:
        raise ValueError(f"{unit.kode}: needs respondents and {UNSUR_COUNT} unsur values")
    candidates = [_sum_candidates(value, n) for value in unit.unsur]
    for k, found in enumerate(candidates, start=1):
        if not found:
            value = unit.unsur[k - 1]
            raise ValueError(f"{unit.kode}: no answer sum of {n} respondents gives U{k} = {value}")
    # Each unsur's candidates are consecutive and the IKM depends only on their total, so try
    # totals outward from the obvious one, S_k = round(v_k n / 25); with n < 2500 there is
    # only one candidate per unsur, larger units may need a neighbour.
    base = [min(max(round(Fraction(v) * n / SCALE), c[0]), c[-1]) for v, c in zip(unit.unsur, candidates, strict=True)]
    lowest = sum(c[0] for c in candidates)
    highest = sum(c[-1] for c in candidates)
    start = sum(base)
    for total in sorted(range(lowest, highest + 1), key=lambda t: (abs(t - start), t)):
        sums = _spread(base, candidates, total - start)
        if round_half_up(ikm(sums, n)) == unit.ikm:
            return tuple(sums)
    raise ValueError(f"{unit.kode}: no answer sums of {n} respondents give the published IKM {unit.ikm}")


def _spread(base: list[int], candidates: list[list[int]], delta: int) -> list[int]:
    """Shift ``base`` by ``delta`` in total, each sum staying within its candidates."""
    sums = list(base)
    for k, found in enumerate(candidates):
        if delta == 0:
            break
        room = found[-1] - sums[k] if delta > 0 else found[0] - sums[k]
        step = min(delta, room) if delta > 0 else max(delta, room)
        sums[k] += step
        delta -= step
    return sums


def _column(answer_sum: int, n: int, rng: random.Random) -> list[int]:
    """n answers in 1..4 adding up to answer_sum, with some spread."""
    # Everyone at the floor, `extra` respondents one higher; the shuffle below picks who.
    floor, extra = divmod(answer_sum - n, n)
    answers = [floor + 2] * extra + [floor + 1] * (n - extra)
    # Real questionnaires are not two adjacent answers only: push pairs apart (the lower
    # one down, the higher one up), which keeps the sum.
    for _ in range(n // 8):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j and 1 < answers[i] <= answers[j] < 4:
            answers[i] -= 1
            answers[j] += 1
    rng.shuffle(answers)
    return answers


def _multiset(counts: dict[str, int], rng: random.Random) -> list[str]:
    items = list(chain.from_iterable([value] * count for value, count in counts.items()))
    rng.shuffle(items)
    return items


def _workdays() -> tuple[list[date], list[date], list[date]]:
    days = [FIRST_DAY + timedelta(d) for d in range((LAST_DAY - FIRST_DAY).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    return days, [d for d in days if d.month == 7], [d for d in days if d.month == 10]


def _timestamps(n: int, rng: random.Random, days: tuple[list[date], list[date], list[date]]) -> list[str]:
    """n office-hour timestamps, sorted; the first in July and another in October so the
    unit's collection window reads "Juli - Oktober 2023" as in the report."""
    all_days, july, october = days
    picked = [rng.choice(july), rng.choice(october)][:n]
    picked += [rng.choice(all_days) for _ in range(n - len(picked))]
    stamps = [datetime.combine(day, time(8)) + timedelta(minutes=rng.randrange(7 * 60)) for day in picked]
    return [stamp.strftime("%Y-%m-%d %H:%M") for stamp in sorted(stamps)]


def demo_response_rows(seed: int = 2023) -> list[dict[str, str]]:
    """Every respondent row of the reference period, in the import format."""
    rng = random.Random(seed)
    units = load_reference_units()
    total = sum(unit.respondents for unit in units)
    for counts in (RESPONDEN_PER_KELOMPOK_UMUR, JENIS_KELAMIN, PENDIDIKAN, PEKERJAAN):
        if sum(counts.values()) != total:
            raise ValueError(f"a profile table counts {sum(counts.values())} respondents, the units {total}")
    # The profile is only published city-wide, so each attribute is dealt out independently.
    ages = [rng.randint(*UMUR_PER_KELOMPOK[band]) for band in _multiset(RESPONDEN_PER_KELOMPOK_UMUR, rng)]
    sexes = _multiset(JENIS_KELAMIN, rng)
    educations = _multiset(PENDIDIKAN, rng)
    occupations = _multiset(PEKERJAAN, rng)
    days = _workdays()

    rows: list[dict[str, str]] = []
    for unit in units:
        n = unit.respondents
        columns = [_column(s, n, rng) for s in answer_sums(unit)]
        for stamp, answers in zip(_timestamps(n, rng, days), zip(*columns, strict=True), strict=True):
            i = len(rows)
            row = {
                "kode_unit": unit.kode,
                "tanggal": stamp,
                "umur": str(ages[i]),
                "jenis_kelamin": sexes[i],
                "pendidikan": educations[i],
                "pekerjaan": occupations[i],
                "jenis_layanan": JENIS_LAYANAN,
            }
            row.update((key, str(answer)) for key, answer in zip(UNSUR_KEYS, answers, strict=True))
            row["saran"] = rng.choice(SARAN) if rng.random() < SARAN_SHARE else ""
            rows.append(row)
    return rows


def realisasi_progress(value: Decimal, max_actions: int = 40) -> list[int]:
    """Whole-percent progress of the fewest actions whose mean displays as ``value``."""
    for n in range(1, max_actions + 1):
        centre = round(Fraction(value) * n)
        for total in (centre - 1, centre, centre + 1):
            if 0 <= total <= 100 * n and round_half_up(Fraction(total, n)) == value:
                floor, extra = divmod(total, n)
                return [floor + 1] * extra + [floor] * (n - extra)
    raise ValueError(f"no {max_actions} whole percentages average to {value}")
