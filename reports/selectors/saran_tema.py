"""What the suggestion themes say, read from their tallies (surveys.models.SaranTally): no
suggestion text is processed at request time."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum

from surveys.models import Period, Response, SaranTally
from surveys.selectors.unsur import unsur_list
from units.models import Unit

JENIS = ("keluhan", "usul", "pujian")
PHRASES_SHOWN = 5
EXAMPLES_SHOWN = 3
EXAMPLES_READ = 300  # the newest suggestions with a theme, where each unsur's examples are taken from
PUBLIC_THEMES_SHOWN = 3


@dataclass(frozen=True)
class Frasa:
    teks: str
    count: int


@dataclass(frozen=True)
class TemaUnsur:
    """One unsur's suggestions of a unit in a period."""

    kode: str
    label: str
    keluhan: int
    usul: int
    pujian: int
    keluhan_before: int | None  # in the previous period; None without one
    usul_before: int | None
    frasa: list[Frasa]  # of complaints and proposals, most frequent first
    contoh: list[str]  # a few texts (staff only)

    @property
    def keluhan_change(self) -> int | None:
        return None if self.keluhan_before is None else self.keluhan - self.keluhan_before


@dataclass(frozen=True)
class TemaPublik:
    label: str
    count: int


def _counts(period: Period, unit_ids: list[int]) -> dict[str, tuple[int, int, int]]:
    """(complaints, proposals, praise) by unsur."""
    rows = (
        SaranTally.objects.filter(period=period, unit_id__in=unit_ids, frasa="")
        .exclude(unsur="")
        .values("unsur", "jenis")
        .annotate(n=Sum("count"))
    )
    counts: dict[str, list[int]] = {}
    for row in rows:
        counts.setdefault(row["unsur"], [0, 0, 0])[JENIS.index(row["jenis"])] += row["n"]
    return {kode: (k, u, p) for kode, (k, u, p) in counts.items()}


def top_phrases(
    *, period: Period, unit: Unit, unsur: str, jenis: tuple[str, ...] = ("keluhan", "usul"), limit: int = PHRASES_SHOWN
) -> list[Frasa]:
    """The unit's most frequent phrases of an unsur's suggestions of these kinds; a phrase said once
    is no pattern and is left out."""
    rows = (
        SaranTally.objects.filter(period=period, unit=unit, unsur=unsur, jenis__in=jenis)
        .exclude(frasa="")
        .values("frasa")
        .annotate(n=Sum("count"))
        .filter(n__gt=1)
        .order_by("-n", "frasa")[:limit]
    )
    return [Frasa(row["frasa"], row["n"]) for row in rows]


def unit_themes(
    *, period: Period, unit: Unit, previous: Period | None, newest: list[Response] | None = None
) -> list[TemaUnsur]:
    """Per unsur with suggestions: complaints and proposals (and their change against `previous`),
    the top phrases, and a few of the newest texts (from `newest`, the unit's newest suggestions of
    the period when already read, else read here); in one query or two."""
    periods = [period] if previous is None else [period, previous]
    rows = (
        SaranTally.objects.filter(Q(frasa="") | Q(period=period, jenis__in=("keluhan", "usul")), unit=unit)
        .filter(period__in=periods)
        .exclude(unsur="")
        .values("period_id", "unsur", "jenis", "frasa")
        .annotate(n=Sum("count"))
    )
    counted: dict[int, dict[str, list[int]]] = {p.pk: {} for p in periods}
    said: list[tuple[int, str, str]] = []  # (times, phrase, unsur) of this period's complaints and proposals
    for row in rows:
        if row["frasa"]:
            said.append((row["n"], row["frasa"], row["unsur"]))
        else:
            counted[row["period_id"]].setdefault(row["unsur"], [0, 0, 0])[JENIS.index(row["jenis"])] += row["n"]
    now = counted[period.pk]
    before = counted[previous.pk] if previous is not None else None
    totals: dict[tuple[str, str], int] = {}
    for n, frasa, kode in said:  # one phrase of complaints and of proposals: counted together
        totals[kode, frasa] = totals.get((kode, frasa), 0) + n
    phrases: dict[str, list[Frasa]] = {}
    for (kode, frasa), n in sorted(totals.items(), key=lambda item: (-item[1], item[0][1])):
        found = phrases.setdefault(kode, [])
        if n > 1 and len(found) < PHRASES_SHOWN:  # a phrase said once is no pattern
            found.append(Frasa(frasa, n))
    examples: dict[str, list[str]] = {}
    if newest is None:
        themed = (
            Response.objects.filter(period=period, unit=unit, saran_jenis__in=("keluhan", "usul"))
            .exclude(saran_unsur="")
            .order_by("-pk")
            .values_list("saran_unsur", "saran")[:EXAMPLES_READ]
        )
    else:
        themed = [(r.saran_unsur, r.saran) for r in newest if r.saran_jenis in ("keluhan", "usul") and r.saran_unsur]
    for codes, text in themed:
        for kode in codes.split(","):
            found = examples.setdefault(kode, [])
            if len(found) < EXAMPLES_SHOWN:
                found.append(text)
    themes = []
    for u in unsur_list():
        keluhan, usul, pujian = now.get(u.kode, (0, 0, 0))
        if not (keluhan or usul or pujian):
            continue
        old = before.get(u.kode, (0, 0, 0)) if before is not None else None
        themes.append(
            TemaUnsur(
                kode=u.kode,
                label=u.label_singkat,
                keluhan=keluhan,
                usul=usul,
                pujian=pujian,
                keluhan_before=old[0] if old else None,
                usul_before=old[1] if old else None,
                frasa=phrases.get(u.kode, []),
                contoh=examples.get(u.kode, []),
            )  # fmt: skip
        )
    return themes


def most_complained(*, period: Period, unit_ids: list[int]) -> tuple[str, int] | None:
    """The unsur with the most complaints among these units, with their number; None without any."""
    counts = {kode: k for kode, (k, _u, _p) in _counts(period, unit_ids).items() if k}
    kode = _most_complained(counts)
    return None if kode is None else (kode, counts[kode])


def _most_complained(complaints: dict[str, int]) -> str | None:
    """The unsur with the most complaints (on a tie the lower code); None without any."""
    return max(complaints, key=lambda k: (complaints[k], -int(k[1:]))) if complaints else None


@dataclass(frozen=True)
class Dikeluhkan:
    """The unsur a unit's respondents complained about most."""

    kode: str
    label: str
    keluhan: int
    frasa: list[Frasa]


def most_complained_of_unit(*, period: Period, unit: Unit) -> Dikeluhkan | None:
    found = most_complained(period=period, unit_ids=[unit.pk])
    if found is None:
        return None
    kode, count = found
    labels = {u.kode: u.label_singkat for u in unsur_list()}
    phrases = top_phrases(period=period, unit=unit, unsur=kode, jenis=("keluhan",))
    return Dikeluhkan(kode, labels.get(kode, kode), count, phrases)


def public_themes(*, period: Period, unit: Unit, minimum: int) -> list[TemaPublik]:
    """The unsur respondents wrote about most (every kind of suggestion), only those with at least
    `minimum` suggestions: a count that small could point at a person."""
    counts = _counts(period, [unit.pk])
    labels = {u.kode: u.label_singkat for u in unsur_list()}
    themes = sorted(
        ((sum(c), kode) for kode, c in counts.items() if sum(c) >= minimum), key=lambda t: (-t[0], int(t[1][1:]))
    )
    return [TemaPublik(labels.get(kode, kode).lower(), n) for n, kode in themes[:PUBLIC_THEMES_SHOWN]]


@dataclass(frozen=True)
class UnsurKota:
    """One unsur across the city's units: complaints, proposals, and the units complaining most."""

    kode: str
    label: str
    keluhan: int
    usul: int
    units: int  # units with suggestions on it
    top_units: list[tuple[str, str, int]]  # (code, name, complaints), most first


@dataclass(frozen=True)
class PrioritasVsKeluhan:
    """A unit's chosen priorities beside the unsur its respondents complained about most."""

    kode: str
    nama: str
    prioritas: list[str]  # unsur codes, in order
    dikeluhkan: str | None  # the unsur with the most complaints
    keluhan: int

    @property
    def answered(self) -> bool | None:
        """Whether the priorities include it; None without complaints."""
        return None if self.dikeluhkan is None else self.dikeluhkan in self.prioritas


def _by_unit(period: Period, units: list[Unit] | None = None) -> dict[int, dict[str, list[int]]]:
    """(complaints, proposals) per unit id and unsur."""
    rows = SaranTally.objects.filter(period=period, frasa="", jenis__in=("keluhan", "usul")).exclude(unsur="")
    if units is not None:
        rows = rows.filter(unit__in=units)
    found: dict[int, dict[str, list[int]]] = {}
    for row in rows.values("unit_id", "unsur", "jenis").annotate(n=Sum("count")):
        pair = found.setdefault(row["unit_id"], {}).setdefault(row["unsur"], [0, 0])
        pair[JENIS.index(row["jenis"])] += row["n"]
    return found


def city_themes(*, period: Period, units: list[Unit] | None = None, top: int = 3) -> list[UnsurKota]:
    """The "Saran per unsur" view across the units (all, or those given), in unsur order."""
    by_unit = _by_unit(period, units)
    # The units given, or every unit (a whole city lists no thousands of ids): one query.
    named = Unit.objects.all() if units is None else Unit.objects.filter(pk__in=[unit.pk for unit in units])
    codes, names = {}, {}
    for pk, kode, nama in named.values_list("pk", "kode", "nama"):
        codes[pk], names[pk] = kode, nama
    found = []
    for u in unsur_list():
        per_unit = {unit_id: pairs[u.kode] for unit_id, pairs in by_unit.items() if u.kode in pairs}
        if not per_unit:
            continue
        ranked = sorted(((c[0], codes[i]) for i, c in per_unit.items() if c[0]), key=lambda t: (-t[0], t[1]))
        by_code = {codes[i]: names[i] for i in per_unit}
        found.append(
            UnsurKota(
                kode=u.kode,
                label=u.label_singkat,
                keluhan=sum(c[0] for c in per_unit.values()),
                usul=sum(c[1] for c in per_unit.values()),
                units=len(per_unit),
                top_units=[(code, by_code[code], n) for n, code in ranked[:top]],
            )  # fmt: skip
        )
    return found


def priorities_vs_complaints(
    *, period: Period, prioritas: dict[int, list], units: list[Unit]
) -> list[PrioritasVsKeluhan]:
    """Per unit (in the given order), its priorities (prioritas_by_unit) and its most complained unsur."""
    by_unit = _by_unit(period, units)
    rows = []
    for unit in units:
        complaints = {kode: pair[0] for kode, pair in by_unit.get(unit.pk, {}).items() if pair[0]}
        worst = _most_complained(complaints)
        rows.append(
            PrioritasVsKeluhan(
                kode=unit.kode,
                nama=unit.nama,
                prioritas=[p.unsur.kode for p in prioritas.get(unit.pk, [])],
                dikeluhkan=worst,
                keluhan=complaints.get(worst, 0) if worst else 0,
            )  # fmt: skip
        )
    return rows


def saran_rows(*, period: Period, unit_codes: set[str]) -> list[tuple[str, str, str, str, int, int]]:
    """(unit code, unit name, unsur code, unsur label, complaints, proposals) of these units, by unit
    code and unsur: the Excel recap's "Saran per Unsur" sheet."""
    units = list(Unit.objects.filter(kode__in=unit_codes).order_by("kode"))
    by_unit = _by_unit(period, units)
    labels = {u.kode: u.label_singkat for u in unsur_list()}
    return [
        (unit.kode, unit.nama, kode, labels.get(kode, kode), *by_unit[unit.pk][kode])
        for unit in units
        for kode in sorted(by_unit.get(unit.pk, {}), key=lambda k: int(k[1:]))
    ]
