"""Checking a locked period against what was kept when it was locked: its stored responses (the
fingerprint of the canonical CSV), its report's words and every unit's population and method."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from reports.models import PeriodSnapshot
from reports.selectors.canonical_csv import canonical_csv_write
from reports.selectors.snapshot_contents import (
    FRONT_MATTER_FIELDS,
    front_matter_current,
    front_matter_fields,
    unit_setting_fields,
    unit_settings_declared,
)
from surveys.models import Period


@dataclass(frozen=True)
class SettingChange:
    """A unit whose population or method is no longer what it was when the period was locked."""

    kode: str
    locked: dict
    now: dict

    def __str__(self) -> str:
        parts = [
            f"{name} {_shown(self.locked.get(name))} -> {_shown(self.now.get(name))}"
            for name in ("populasi", "metode")
            if self.locked.get(name) != self.now.get(name)
        ]
        return f"{self.kode} ({', '.join(parts)})"


def _shown(value: object) -> str:
    return "-" if value is None else str(value)


@dataclass(frozen=True)
class Verification:
    """A locked period checked against its snapshot."""

    expected_sha256: str
    actual_sha256: str
    expected_rows: int
    actual_rows: int
    differing_units: list[str]  # codes of the units whose responses changed, were added or removed
    format_version: int = 1  # of the canonical CSV both hashes are of
    differing_texts: list[str] = field(default_factory=list)  # FrontMatter fields changed since the lock
    differing_settings: list[SettingChange] = field(default_factory=list)  # by unit code

    @property
    def responses_ok(self) -> bool:
        return self.expected_sha256 == self.actual_sha256

    @property
    def ok(self) -> bool:
        return self.responses_ok and not self.differing_texts and not self.differing_settings


def _changed_texts(snapshot: PeriodSnapshot) -> list[str]:
    now = front_matter_fields(front_matter_current(snapshot.period))
    return [name for name in FRONT_MATTER_FIELDS if now.get(name) != snapshot.front_matter.get(name)]


def _changed_settings(snapshot: PeriodSnapshot) -> list[SettingChange]:
    """Units whose declared population or method differs from the snapshot's; a unit missing on one
    side counts with the defaults (a unit that declared nothing prints the default method)."""
    declared = unit_settings_declared(snapshot.period)
    default = unit_setting_fields(None)
    changes = []
    for kode in sorted(set(declared) | set(snapshot.unit_settings)):
        locked = snapshot.unit_settings.get(kode, default)
        now = declared.get(kode, default)
        if (locked.get("populasi"), locked.get("metode")) != (now.get("populasi"), now.get("metode")):
            changes.append(SettingChange(kode, locked, now))
    return changes


def period_verify(period: Period) -> Verification | None:
    """Recompute the canonical CSV (in the snapshot's format version) from the stored responses and
    compare the report's words and the unit settings; None when the period has no snapshot."""
    snapshot = PeriodSnapshot.objects.filter(period=period).select_related("period").first()
    if snapshot is None:
        return None
    with open(os.devnull, "wb") as sink:
        actual, units, rows = canonical_csv_write(period=period, output=sink, version=snapshot.format_version)
    expected_units = snapshot.unit_sha256
    differing = sorted(
        kode for kode in set(units) | set(expected_units) if units.get(kode) != expected_units.get(kode)
    )
    return Verification(
        snapshot.csv_sha256,
        actual,
        snapshot.rows,
        rows,
        differing,
        format_version=snapshot.format_version,
        differing_texts=_changed_texts(snapshot),
        differing_settings=_changed_settings(snapshot),
    )
