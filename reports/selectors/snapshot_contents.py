"""What a lock keeps beside the figures: the report's words, every unit's population and method, and
the city IKM of the periods before the portal; read now (to store or to compare) or back from a snapshot.

The published report of a locked period shows them, so they are frozen with the lock
(reports.services.snapshots) and compared again by reports.selectors.verification.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from reports.models import FrontMatter, HistoricalIkm, PeriodSnapshot
from reports.selectors.results import unit_results
from surveys.models import Period, UnitPeriod

FRONT_MATTER_FIELDS = (
    "kota",
    "kata_pengantar",
    "penandatangan_nama",
    "penandatangan_jabatan",
    "tempat",
    "tanggal",
    "nomor_surat",
    "latar_belakang",
    "dasar_hukum",
    "pengumpulan_data",
)


def front_matter_current(period: Period) -> FrontMatter:
    """The period's report words as they are now (the reference report's defaults if never edited)."""
    return FrontMatter.objects.filter(period=period).first() or FrontMatter(period=period)


def front_matter_fields(front: FrontMatter) -> dict[str, str | None]:
    """The report words as plain data: every field a text, the date YYYY-MM-DD or None."""
    fields: dict[str, str | None] = {name: getattr(front, name) for name in FRONT_MATTER_FIELDS}
    fields["tanggal"] = front.tanggal.isoformat() if front.tanggal else None
    return fields


def front_matter_of_snapshot(snapshot: PeriodSnapshot) -> FrontMatter:
    """The report words kept when the period was locked, as an unsaved FrontMatter."""
    fields: dict[str, Any] = {name: snapshot.front_matter.get(name) for name in FRONT_MATTER_FIELDS}
    fields["tanggal"] = date.fromisoformat(fields["tanggal"]) if fields["tanggal"] else None
    return FrontMatter(period=snapshot.period, **fields)


def unit_setting_fields(setting: UnitPeriod | None) -> dict[str, Any]:
    """A unit's population and method as plain data (the defaults when it declared nothing)."""
    if setting is None:
        return {"populasi": None, "metode": UnitPeriod.DEFAULT_METODE}
    return {"populasi": setting.populasi, "metode": setting.metode}


def unit_settings_current(period: Period) -> dict[str, dict[str, Any]]:
    """Population and method of every unit the period's report shows, by unit code."""
    return {r.kode: {"populasi": r.populasi, "metode": r.metode} for r in unit_results(period=period)}


def unit_settings_declared(period: Period) -> dict[str, dict[str, Any]]:
    """What units declared for the period (UnitPeriod rows), by unit code."""
    rows = UnitPeriod.objects.filter(period=period).select_related("unit")
    return {row.unit.kode: unit_setting_fields(row) for row in rows}


def historical_ikm_current() -> list[dict[str, Any]]:
    """The city IKM of the periods before the portal, in order, the IKM as a decimal string."""
    return [
        {"label": h.label, "urutan": h.urutan, "ikm": str(h.ikm)} for h in HistoricalIkm.objects.order_by("urutan")
    ]


def historical_ikm_of_snapshot(snapshot: PeriodSnapshot) -> list[HistoricalIkm]:
    """The history points kept when the period was locked, as unsaved HistoricalIkm in order."""
    points = sorted(snapshot.historical_ikm, key=lambda point: point["urutan"])
    return [HistoricalIkm(label=p["label"], urutan=p["urutan"], ikm=Decimal(p["ikm"])) for p in points]
