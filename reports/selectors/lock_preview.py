"""What locking a period would publish and cut short: the figures the confirmation page states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from reports.selectors.rencana import prioritas_by_unit
from reports.selectors.results import UnitResult, unit_results
from surveys.models import Period


@dataclass(frozen=True)
class LockPreview:
    period: Period
    today: date
    results: list[UnitResult]  # every unit of the period's report
    with_rencana: frozenset[int]  # ids of the units whose plan has at least one action

    @property
    def respondents(self) -> int:
        return sum(r.respondents for r in self.results)

    @property
    def units_answered(self) -> list[UnitResult]:
        return [r for r in self.results if r.respondents]

    @property
    def units_silent(self) -> list[UnitResult]:
        return [r for r in self.results if not r.respondents]

    @property
    def below_minimum(self) -> list[UnitResult]:
        """Units whose respondents have not reached the minimum sample of their population."""
        return [r for r in self.results if r.sample_reached is False]

    @property
    def without_population(self) -> list[UnitResult]:
        """Units with responses whose minimum sample is unknown (population not entered)."""
        return [r for r in self.results if r.respondents and r.sample_reached is None]

    @property
    def without_rencana(self) -> list[UnitResult]:
        """Units with responses and no follow-up action yet (as on the city dashboard)."""
        return [r for r in self.results if r.respondents and r.unit_id not in self.with_rencana]

    @property
    def days_left(self) -> int:
        """Days of collection left, today included (the whole period before it starts); 0 once it has ended."""
        start = max(self.today, self.period.tanggal_mulai)
        return max(0, (self.period.tanggal_selesai - start).days + 1)

    @property
    def ended(self) -> bool:
        return self.days_left == 0

    @property
    def collecting(self) -> bool:
        """Open and within its dates: the questionnaire takes answers now (and phones may hold some)."""
        return self.period.status == Period.Status.OPEN and self.period.tanggal_mulai <= self.today and not self.ended


def lock_preview(*, period: Period, today: date | None = None) -> LockPreview:
    """The period's figures as they stand (one GROUP BY and the plans), and where it is in its dates."""
    plans = prioritas_by_unit(period=period)
    with_rencana = frozenset(
        unit_id for unit_id, chosen in plans.items() if any(len(p.tindak_lanjut.all()) for p in chosen)
    )
    return LockPreview(
        period=period,
        today=today or timezone.localdate(),
        results=unit_results(period=period),
        with_rencana=with_rencana,
    )
