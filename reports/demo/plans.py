"""The reference report's follow-up plans, read from its text export (``data/laporan-...txt``, BAB III).

The export is the report's PDF table as tab-separated lines, and it shows it: a page break splits a
unit's row, so a priority's actions go on in the next row, often in the cell beside the next
priority's label; each priority numbers its actions from 1; a few lists lost their numbers; and
the rows of units 25 and 60 are missing, except UPP060's last one, printed under UPP059. So the
actions of a unit are read in order and cut into runs where the numbering starts again; a catalog
action goes to its unsur, a unit's own text to its run's (the unsur of most catalog actions in
it, or else the priority after the previous run's). Pure (no Django), like ``reference``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from reports.demo.reference import DATA_DIR, ReferenceUnit

REPORT_FILE: Path = DATA_DIR / "laporan-skm-kota-pekalongan-2023-semester-2.txt"

# The priority labels as the report prints them, mixed into the plan cells; the reference's
# priorities say which unsur a unit chose, so the labels are only dropped.
LABELS: tuple[str, ...] = (
    "Persyaratan",
    "Prosedur",
    "Waktu Pelayanan",
    "Biaya/ Tarif",
    "Produk Layanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Sarana Dan Prasarana",
    "Penanganan Pengaduan",
)
_LABEL = re.compile(r"(?:(?<![\w.])[1-3]\.\s+)?(?:" + "|".join(map(re.escape, LABELS)) + r")(?=\s|$)")
_NUMBER = re.compile(r"(?:(?<=\s)|^)(\d{1,2})\.\s+(?=[A-Z])")
_LIST = re.compile(r"<(?:ol|ul)\b[^>]*>")
_PERCENT = re.compile(r"\b\d{1,3},\d{2}%")
_SENTENCE = re.compile(r"(?<=\.)\s+(?=[A-Z])")
# Up to here a unit's first row holds its figures; the priorities and the plan come after.
_PLAN_COLUMN = 16
# Printed texts that differ from a catalog action only by typos ("layanana", a dropped word).
CATALOG_SIMILARITY = 0.8


@dataclass(frozen=True)
class ReferenceAction:
    kode: str  # the unit
    unsur: str  # the priority's unsur, U1..U9
    nomor: int  # within its priority, from 1 in the order printed
    teks: str  # as printed
    katalog: tuple[str, int] | None  # (unsur, nomor) of the catalog action it is, if any


def _unit_cells(text: str) -> dict[str, list[str]]:
    """The non-empty plan cells of each unit in the BAB III table, in order."""
    lines = text.splitlines()
    cells: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[lines.index("BAB III") :]:
        if line.startswith("Rata-rata Indeks per Unsur"):
            break
        if line.startswith(("No\tOPD", "\t\t\tU1")):
            continue
        fields = line.split("\t")
        if fields[0].isdigit():
            current = cells.setdefault(f"UPP{int(fields[0]):03d}", [])
            fields = fields[_PLAN_COLUMN:]
        if current is not None:
            current.extend(field.strip() for field in fields if field.strip())
    return cells


def _items(cells: list[str]) -> list[tuple[int, str]]:
    """Every (number, text) of the cells; a list without numbers counts its sentences from 1."""
    items: list[tuple[int, str]] = []
    for cell in cells:
        for part in _LIST.split(_PERCENT.sub(" ", cell)):
            part = " ".join(_LABEL.sub(" ", re.sub(r"</?p>", " ", part)).split())
            numbered = _NUMBER.split(part)
            if numbered[0]:
                items.extend(enumerate(_SENTENCE.split(numbered[0]), start=1))
            items.extend((int(n), t.strip()) for n, t in zip(numbered[1::2], numbered[2::2], strict=True))
    # The export ends some texts with "..": one full stop is what was meant.
    return [(n, re.sub(r"\.\.$", ".", t)) for n, t in items]


def _runs(items: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    runs: list[list[tuple[int, str]]] = []
    for item in items:
        if not runs or item[0] <= runs[-1][-1][0]:
            runs.append([])
        runs[-1].append(item)
    return runs


def _normal(text: str) -> str:
    return " ".join(text.lower().rstrip(".").split())


def _catalog_match(text: str, katalog: Mapping[tuple[str, int], str]) -> tuple[str, int] | None:
    wanted = _normal(text)
    best, score = None, CATALOG_SIMILARITY
    for key, teks in katalog.items():
        matcher = SequenceMatcher(None, _normal(teks), wanted, autojunk=False)
        # The quick upper bounds first: most of the 27 texts are far off.
        if matcher.real_quick_ratio() >= score and matcher.quick_ratio() >= score:
            ratio = matcher.ratio()
            if ratio >= score:
                best, score = key, ratio
    return best


def reference_actions(
    *, reference: list[ReferenceUnit], katalog: Mapping[tuple[str, int], str], path: Path = REPORT_FILE
) -> list[ReferenceAction]:
    """Every action of the report's plans, by unit and priority in the reference's order, numbered
    from 1 in the order printed. ``katalog`` maps (unsur, number) to the catalog's texts. A priority
    whose actions the export lost has none. Raises ValueError where the text cannot be read so."""
    cells = _unit_cells(path.read_text(encoding="utf-8"))
    codes = [unit.kode for unit in reference]
    prioritas = {unit.kode: unit.prioritas for unit in reference}
    plans: dict[tuple[str, str], list[tuple[int, str, tuple[str, int] | None]]] = {}
    for kode, unit_cells in cells.items():
        previous: str | None = None
        for run in _runs(_items(unit_cells)):
            matches = [_catalog_match(teks, katalog) for _, teks in run]
            run_unsur = _run_unsur(kode, [m[0] for m in matches if m], previous, prioritas[kode])
            for (printed, teks), match in zip(run, matches, strict=True):
                # A catalog action is its unsur's even where a lost row moved it into another run.
                unsur = match[0] if match and match[0] in prioritas[kode] else run_unsur
                owner = kode if unsur in prioritas[kode] else _lost_unit(kode, unsur, codes, cells, prioritas)
                actions = plans.setdefault((owner, unsur), [])
                if (printed, teks, match) not in actions:  # the export repeats some at a page break
                    actions.append((printed, teks, match))
            if run_unsur in prioritas[kode]:
                previous = run_unsur
    return [
        ReferenceAction(kode, unsur, nomor, teks, match)
        for kode in codes
        for unsur in prioritas[kode]
        for nomor, (_, teks, match) in enumerate(plans.get((kode, unsur), []), start=1)
    ]


def _lost_unit(
    kode: str, unsur: str, codes: list[str], cells: Mapping[str, list[str]], prioritas: Mapping[str, tuple[str, ...]]
) -> str:
    """The unit whose row the export printed under ``kode``: the next one, if its own rows are lost."""
    following = codes[codes.index(kode) + 1] if kode in codes[:-1] else None
    if following is None or following in cells or unsur not in prioritas[following]:
        raise ValueError(f"{kode}: actions for {unsur}, which is not among its priorities")
    return following


def _run_unsur(kode: str, matched: list[str], previous: str | None, prioritas: tuple[str, ...]) -> str:
    """The unsur of a run: the most of its catalog actions', else the priority after the previous run's."""
    if matched:
        return max(dict.fromkeys(matched), key=matched.count)
    position = prioritas.index(previous) + 1 if previous else 0
    if position >= len(prioritas):
        raise ValueError(f"{kode}: more runs of actions than priorities")
    return prioritas[position]
