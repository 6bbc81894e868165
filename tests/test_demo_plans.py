"""The demo's 2023-S2 plans are the reference report's: every action of every priority of every unit."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from reports.demo.plans import REPORT_FILE, reference_actions
from reports.demo.reference import ReferenceUnit
from reports.models import PrioritasUnsur, TindakLanjut


def printed_action_count() -> int:
    """The actions in the report's BAB III table, counted by their verbs: every action starts with
    one ("Melakukan", "Memberikan", ...), numbered ("2. Memberikan") or in a list without numbers."""
    lines = REPORT_FILE.read_text(encoding="utf-8").splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("Rata-rata Indeks per Unsur"))
    table = "\n".join(lines[lines.index("BAB III") : end])
    numbered = re.findall(r"(?<![\w.])\d{1,2}\.\s+Me[a-z]+", table)
    lists = re.findall(r"<(?:ol|ul)[^>]*>\s*(Me[^<\t]*)", table)
    unnumbered = [verb for items in lists for verb in re.findall(r"(?:^|\.\s+)(Me[a-z]+)", items)]
    # At the page break after UPP059 the export prints "3. Mengevaluasi jam layanan ..." twice.
    return len(numbered) + len(unnumbered) - 1


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_loads_every_action_the_report_prints():
    call_command("load_demo", stdout=io.StringIO())
    actions = TindakLanjut.objects.filter(prioritas__period__kode="2023-S2").select_related(
        "prioritas__unit", "prioritas__unsur", "katalog__unsur"
    )
    assert printed_action_count() == 493
    assert actions.count() == printed_action_count()

    plans: dict[str, dict[str, list[TindakLanjut]]] = defaultdict(lambda: defaultdict(list))
    for action in actions.order_by("prioritas__unit__kode", "prioritas__urutan", "nomor"):
        plans[action.prioritas.unit.kode][action.prioritas.unsur.kode].append(action)
    # BKPSDM: prosedur with one action, persyaratan and sarana with two each, as printed.
    assert {unsur: len(a) for unsur, a in plans["UPP001"].items()} == {"U2": 1, "U1": 2, "U8": 2}
    assert plans["UPP001"]["U2"][0].teks.startswith("Melakukan evaluasi SOP dengan mempertimbangkan masukan")
    # Dinas Kesehatan, the demo's unit administrator: three catalog actions for each priority.
    assert [len(plans["UPP017"][u]) for u in ("U5", "U2", "U3")] == [3, 3, 3]
    # A unit's own words, with the report's spelling, and no catalog action behind them.
    own = plans["UPP013"]["U1"][0]
    assert own.teks == "Mensosialisasikan agar tidak membuat surat di hari libur kecuail urgensi tinggi"
    assert own.katalog is None and own.nomor == 1
    # The fish auction's six actions for its facilities, four of its own.
    tpi = plans["UPP015"]["U8"]
    assert [a.nomor for a in tpi] == [1, 2, 3, 4, 5, 6]
    assert tpi[4].teks.startswith("Melakukan koordinasi dengan petugas lalu lintas kapal PPN Pekalongan")
    assert sum(a.katalog is None for a in tpi) == 4
    # A list the export printed without numbers (UPP011, perilaku pelaksana), numbered in order.
    assert [a.teks.split()[:4] for a in plans["UPP011"]["U7"]] == [
        ["Memberikan", "pembinaan", "kepada", "pelaksana"],
        ["Memberikan", "pembinaan", "dan", "pendampingan"],
        ["Memberikan", "pembinaan", "kepada", "tim"],
    ]
    # UPP060's one surviving row (its facilities) is printed under UPP059: it is UPP060's.
    assert "U8" not in plans["UPP059"] and len(plans["UPP060"]["U8"]) == 3
    # A catalog action stays with the priority of its unsur, also where a page break moved it.
    assert all(a.katalog.unsur == a.prioritas.unsur for a in actions if a.katalog)
    assert PrioritasUnsur.objects.filter(period__kode="2023-S2").count() == 237
    # The previous plan still gives the published realisasi of every unit (88,41 % in the city row).
    assert TindakLanjut.objects.filter(prioritas__period__kode="2023-S1", progres__isnull=True).count() == 0


def test_a_plan_for_an_unsur_the_unit_did_not_choose_is_refused(tmp_path):
    figures = "\t".join(
        ["1", "Unit A", "Juli - Oktober 2023", *["90,00"] * 10, "SANGAT BAIK", "10", "Kusioner Online"]
    )
    report = tmp_path / "laporan.txt"
    report.write_text(
        "BAB III\n"
        f"{figures}\t1. Persyaratan\t1. Melakukan evaluasi SOP dengan pengguna.\t100,00%\n"
        "Rata-rata Indeks per Unsur\n",
        encoding="utf-8",
    )
    katalog = {("U2", 1): "Melakukan evaluasi SOP dengan pengguna."}
    units = [ReferenceUnit("UPP001", 10, (Decimal(90),) * 9, Decimal(90), ("U1",), Decimal(100))]
    # The catalog says the action is about prosedur (U2), which UPP001 did not choose.
    with pytest.raises(ValueError, match="UPP001: actions for U2"):
        reference_actions(reference=units, katalog=katalog, path=report)
    katalog = {("U1", 1): "Melakukan evaluasi SOP dengan pengguna."}
    (action,) = reference_actions(reference=units, katalog=katalog, path=report)
    assert (action.kode, action.unsur, action.nomor, action.katalog) == ("UPP001", "U1", 1, ("U1", 1))
