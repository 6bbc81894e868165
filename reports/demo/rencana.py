"""The demo's follow-up: the reference report's priorities and plans, and the realisasi of the previous plan."""

from __future__ import annotations

from datetime import date

from reports.demo.plans import reference_actions
from reports.demo.reference import ReferenceUnit, realisasi_progress
from reports.models import KatalogTindakLanjut, PrioritasUnsur, TindakLanjut
from surveys.models import Period, Unsur
from units.models import Unit


def demo_rencana_load(*, period: Period, previous: Period, reference: list[ReferenceUnit]) -> None:
    """Each unit's published priorities with every action the report prints for them in `period`, and
    a plan of catalog actions in `previous` whose recorded progress averages to the published realisasi.
    Loading twice changes nothing."""
    if PrioritasUnsur.objects.filter(period__in=[period, previous]).exists():
        return
    units = {u.kode: u for u in Unit.objects.all()}
    unsur = {u.kode: u for u in Unsur.objects.all()}
    katalog = {(k.unsur.kode, k.nomor): k for k in KatalogTindakLanjut.objects.select_related("unsur")}
    printed = reference_actions(reference=reference, katalog={key: k.teks for key, k in katalog.items()})
    actions: list[TindakLanjut] = []
    for ref in reference:
        unit = units[ref.kode]
        chosen, before = (
            {
                c: PrioritasUnsur.objects.create(unit=unit, period=p, unsur=unsur[c], urutan=n)
                for n, c in enumerate(ref.prioritas, start=1)
            }
            for p in (period, previous)
        )
        responsible = f"Kepala {unit.nama}"[:200]
        actions += [
            TindakLanjut(
                prioritas=chosen[a.unsur],
                nomor=a.nomor,
                teks=a.teks,
                katalog=katalog[a.katalog] if a.katalog else None,
                target=_target(period),
                penanggung_jawab=responsible,
            )
            for a in printed
            if a.kode == ref.kode
        ]
        # Of the previous plan the report gives only the realisasi: catalog actions whose progress averages to it.
        order = list(before.values())
        for index, progres in enumerate(realisasi_progress(ref.realisasi)):
            prioritas = order[index % len(order)]
            nomor = index // len(order) + 1
            item = katalog[(prioritas.unsur.kode, (nomor - 1) % 3 + 1)]
            actions.append(
                TindakLanjut(
                    prioritas=prioritas,
                    nomor=nomor,
                    teks=item.teks,
                    katalog=item,
                    target=_target(previous),
                    penanggung_jawab=responsible,
                    progres=progres,
                )
            )
    TindakLanjut.objects.bulk_create(actions)


def _target(rencana_period: Period) -> date:
    """30 June of the year after the period ends."""
    return rencana_period.tanggal_selesai.replace(year=rencana_period.tanggal_selesai.year + 1, month=6, day=30)
