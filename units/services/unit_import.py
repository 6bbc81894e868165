"""Creating and updating units from a file (import_units, the demo)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from skm_portal.import_problems import ERRORS_SHOWN, ImportFailed, RowError, refuse, shown
from skm_portal.plain_text import text_problem
from skm_portal.tabular import read_table
from units.models import Unit
from units.validators import UNIT_KODE_MAX_LENGTH, UNIT_KODE_MESSAGE, validate_unit_kode

UNIT_COLUMNS = ("kode", "nama", "induk", "jenis")
UNITS_MAX_ROWS = 20_000  # a province's units, several times over
NAMA_MAX_LENGTH = Unit._meta.get_field("nama").max_length
JENIS_MAX_LENGTH = Unit._meta.get_field("jenis").max_length


@dataclass(frozen=True)
class UnitsImportSummary:
    created: int
    updated: int


def units_import(*, data: bytes, filename: str) -> UnitsImportSummary:
    """Create or update units by `kode` from a file; parents may come after their children.

    All rows or none: raises ImportFailed listing every problem.
    """
    table = read_table(data, filename, required=("kode", "nama"), known=UNIT_COLUMNS)
    errors: list[RowError] = []
    rows: dict[str, tuple[int, str, str, str]] = {}  # kode -> (row, nama, induk, jenis)
    for number, values in table.rows:
        if number > UNITS_MAX_ROWS + 1:
            raise refuse(_("the file has more than %(max)s units") % {"max": UNITS_MAX_ROWS})
        kode, nama = str(values.get("kode", "")), str(values.get("nama", ""))
        induk, jenis = str(values.get("induk", "")), str(values.get("jenis", ""))
        if not kode:
            errors.append(RowError(number, "kode", _("required")))
        elif len(kode) > UNIT_KODE_MAX_LENGTH:
            errors.append(
                RowError(number, "kode", _("longer than %(max)s characters") % {"max": UNIT_KODE_MAX_LENGTH})
            )
        elif not _valid_kode(kode):
            errors.append(RowError(number, "kode", str(UNIT_KODE_MESSAGE)))
        elif kode in rows:
            errors.append(
                RowError(
                    number, "kode", _("%(kode)s already appears in row %(row)s") % {"kode": kode, "row": rows[kode][0]}
                )
            )
        if not nama:
            errors.append(RowError(number, "nama", _("required")))
        elif problem := text_problem(nama, max_length=NAMA_MAX_LENGTH):
            errors.append(RowError(number, "nama", problem))
        if problem := text_problem(jenis, max_length=JENIS_MAX_LENGTH):
            errors.append(RowError(number, "jenis", problem))
        if kode and kode not in rows:
            rows[kode] = (number, nama, induk, jenis)

    existing_parents = dict(Unit.objects.values_list("kode", "induk__kode"))
    parents = {**existing_parents, **{kode: row[2] or None for kode, row in rows.items()}}
    for kode, (number, _nama, induk, _jenis) in rows.items():
        if not induk:
            continue
        if induk not in parents:
            errors.append(RowError(number, "induk", _("unknown unit code %(kode)s") % {"kode": shown(induk)}))
        elif _has_cycle(kode, parents):
            errors.append(RowError(number, "induk", _("%(kode)s would become its own ancestor") % {"kode": kode}))
    if errors:
        errors.sort(key=lambda e: e.row)
        raise ImportFailed(errors[:ERRORS_SHOWN], len(errors))

    with transaction.atomic():
        units = {u.kode: u for u in Unit.objects.select_for_update()}
        created, updated = set(), set()
        for kode, (_number, nama, _induk, jenis) in rows.items():
            unit = units.get(kode)
            if unit is None:
                units[kode] = Unit.objects.create(kode=kode, nama=nama, jenis=jenis)
                created.add(kode)
            elif (unit.nama, unit.jenis) != (nama, jenis):
                unit.nama, unit.jenis = nama, jenis
                unit.save(update_fields=["nama", "jenis"])
                updated.add(kode)
        for kode, (_number, _nama, induk, _jenis) in rows.items():
            unit = units[kode]
            parent_id = units[induk].pk if induk else None
            if unit.induk_id != parent_id:
                unit.induk_id = parent_id
                unit.save(update_fields=["induk"])
                if kode not in created:
                    updated.add(kode)
    return UnitsImportSummary(created=len(created), updated=len(updated))


def _valid_kode(kode: str) -> bool:
    try:
        validate_unit_kode(kode)
    except ValidationError:
        return False
    return True


def _has_cycle(kode: str, parents: dict[str, str | None]) -> bool:
    seen = {kode}
    current = parents.get(kode)
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False
