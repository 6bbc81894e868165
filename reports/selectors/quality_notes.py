"""The annex "Catatan kualitas data" of the city report's internal edition."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from reports.flags import Flag
from reports.selectors.flags import period_flags
from reports.selectors.results import UnitResult
from surveys.models import Period


@dataclass(frozen=True)
class QualityNotes:
    """The annex "Catatan kualitas data" of the city report's internal edition."""

    below_sample: list[UnitResult]
    without_population: list[UnitResult]
    wide_intervals: list[UnitResult]
    open_flags: list[tuple[UnitResult, Flag]]

    @property
    def empty(self) -> bool:
        return not (self.below_sample or self.without_population or self.wide_intervals or self.open_flags)


def quality_notes(*, period: Period, results: list[UnitResult]) -> QualityNotes:
    """What a reader of the internal report should know before comparing units (units with responses)."""
    counted = [r for r in results if r.respondents]
    flags = period_flags(period=period, results=counted)
    wide = settings.SKM_WIDE_INTERVAL
    return QualityNotes(
        below_sample=[r for r in counted if r.sample_reached is False],
        without_population=[r for r in counted if r.sample_reached is None],
        wide_intervals=[r for r in counted if r.ikm_ci95 is None or r.ikm_ci95[1] - r.ikm_ci95[0] > wide],
        open_flags=[(r, flag) for r in counted for flag in flags.get(r.unit_id, []) if not flag.reviewed],
    )
