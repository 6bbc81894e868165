"""The demo's follow-up: the reference report's priorities and plans, and the realisasi of the previous plan."""

from __future__ import annotations

from reports.demo.reference import ReferenceUnit, realisasi_progress
from reports.models import KatalogTindakLanjut, PrioritasUnsur, TindakLanjut
from surveys.models import Period, Unsur
from units.models import Unit


def demo_rencana_load(*, period: Period, previous: Period, reference: list[ReferenceUnit]) -> None:
    """Each unit's published priorities with catalog actions in `period`, and a plan in `previous`
    whose recorded progress averages to the published realisasi. Loading twice changes nothing."""
    if PrioritasUnsur.objects.filter(period__in=[period, previous]).exists():
        return
    units = {u.kode: u for u in Unit.objects.all()}
    unsur = {u.kode: u for u in Unsur.objects.all()}
    katalog = {(k.unsur.kode, k.nomor): k for k in KatalogTindakLanjut.objects.select_related("unsur")}
    for ref in reference:
        unit = units[ref.kode]
        for rencana_period, progress in ((period, None), (previous, realisasi_progress(ref.realisasi))):
            chosen = [
                PrioritasUnsur.objects.create(unit=unit, period=rencana_period, unsur=unsur[c], urutan=n)
                for n, c in enumerate(ref.prioritas, start=1)
            ]
            count = len(progress) if progress else len(chosen)
            target = rencana_period.tanggal_selesai.replace(
                year=rencana_period.tanggal_selesai.year + 1, month=6, day=30
            )
            for index in range(count):
                prioritas = chosen[index % len(chosen)]
                nomor = index // len(chosen) + 1
                item = katalog[(prioritas.unsur.kode, (nomor - 1) % 3 + 1)]
                TindakLanjut.objects.create(
                    prioritas=prioritas,
                    nomor=nomor,
                    teks=item.teks,
                    katalog=item,
                    target=target,
                    penanggung_jawab=f"Kepala {unit.nama}"[:200],
                    progres=progress[index] if progress else None,
                )
