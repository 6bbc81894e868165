"""Writes of a unit's plan for a period: its prioritas (priority elements) and their tindak lanjut
(numbered follow-up actions). A locked period's plan no longer changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from reports.models import KatalogTindakLanjut, PrioritasUnsur, TindakLanjut
from surveys.models import Period, Unsur
from surveys.saran_tema import UNSUR_KODE
from surveys.services.periods import period_held
from units.models import Unit
from units.services.audit import audit_record

MAX_PRIORITAS = 3


def _ensure_rencana_editable(period: Period) -> None:
    """Inside the caller's transaction: the period's row is locked, so a concurrent lock waits."""
    if period_held(period).is_locked:
        raise ValidationError(
            _("Period %(kode)s is locked: its priorities and plans can no longer change.") % {"kode": period.kode}
        )


@transaction.atomic
def prioritas_set(*, user: Any, unit: Unit, period: Period, unsur_codes: list[str]) -> list[PrioritasUnsur]:
    """Replace the unit's priority elements (at most three, in order); kept ones keep their actions."""
    _ensure_rencana_editable(period)
    codes = [c for c in unsur_codes if c]
    if len(codes) > MAX_PRIORITAS:
        raise ValidationError(_("Choose at most three priority elements."))
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Each priority element can be chosen only once."))
    unsur = {u.kode: u for u in Unsur.objects.filter(kode__in=codes)}
    if len(unsur) != len(codes):
        raise ValidationError(_("Unknown service element."))
    existing = {
        p.unsur.kode: p
        for p in PrioritasUnsur.objects.select_for_update().filter(unit=unit, period=period).select_related("unsur")
    }
    for code in [code for code in existing if code not in codes]:
        existing.pop(code).delete()
    # Move the kept ones out of the way first: (unit, period, urutan) is unique.
    for offset, prioritas in enumerate(PrioritasUnsur.objects.filter(unit=unit, period=period)):
        prioritas.urutan = 100 + offset
        prioritas.save(update_fields=["urutan"])
    result = []
    for order, code in enumerate(codes, start=1):
        prioritas = existing.get(code)
        if prioritas is None:
            prioritas = PrioritasUnsur.objects.create(unit=unit, period=period, unsur=unsur[code], urutan=order)
        else:
            prioritas.urutan = order
            prioritas.save(update_fields=["urutan"])
        result.append(prioritas)
    audit_record(user=user, action="prioritas", unit=unit, periode=period.kode, detail=", ".join(codes) or "-")
    return result


@transaction.atomic
def tindak_lanjut_add(
    *,
    user: Any,
    prioritas: PrioritasUnsur,
    teks: str,
    katalog: KatalogTindakLanjut | None,
    target: date,
    penanggung_jawab: str,
    tema_unsur: str = "",
) -> TindakLanjut:
    _ensure_rencana_editable(prioritas.period)
    if tema_unsur and tema_unsur not in UNSUR_KODE:
        raise ValidationError(_("Unknown service element."))
    if katalog is not None:
        if katalog.unsur_id != prioritas.unsur_id:
            raise ValidationError(_("That catalog action belongs to another service element."))
        teks = teks.strip() or katalog.teks
    if not teks.strip():
        raise ValidationError(_("Write the action or pick one from the catalog."))
    last = prioritas.tindak_lanjut.aggregate(last=Max("nomor"))["last"] or 0
    tindak_lanjut = TindakLanjut.objects.create(
        prioritas=prioritas,
        nomor=last + 1,
        teks=teks.strip(),
        katalog=katalog,
        target=target,
        penanggung_jawab=penanggung_jawab.strip(),
        tema_unsur=tema_unsur,
    )
    audit_record(
        user=user,
        action="rencana_tambah",
        unit=prioritas.unit,
        periode=prioritas.period.kode,
        detail=f"{prioritas.unsur.kode} {tindak_lanjut.nomor}. {tindak_lanjut.teks}",
    )
    return tindak_lanjut


@transaction.atomic
def tindak_lanjut_delete(*, user: Any, tindak_lanjut: TindakLanjut) -> None:
    prioritas = tindak_lanjut.prioritas
    _ensure_rencana_editable(prioritas.period)
    detail = f"{prioritas.unsur.kode} {tindak_lanjut.nomor}. {tindak_lanjut.teks}"
    tindak_lanjut.delete()
    # Keep the numbering 1, 2, 3 without gaps, as the report prints it.
    for number, remaining in enumerate(prioritas.tindak_lanjut.order_by("nomor"), start=1):
        if remaining.nomor != number:
            remaining.nomor = number
            remaining.save(update_fields=["nomor"])
    audit_record(user=user, action="rencana_hapus", unit=prioritas.unit, periode=prioritas.period.kode, detail=detail)
