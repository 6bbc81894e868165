"""What a data-quality flag is: its code, the evidence that raised it, and the fingerprint a review
is checked against. The flags are found by reports.selectors.flags."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import FlagReview

BURST = "burst"
DUPLICATE = "duplicate"
OVER_POPULATION = "over_population"
UNIFORM_ANSWERS = "uniform_answers"
IKM_CHANGE = "ikm_change"
TOO_FAST = "too_fast"
FLAG_LABELS = {
    BURST: gettext_lazy("Burst from one device"),
    DUPLICATE: gettext_lazy("Repeated identical submissions"),
    OVER_POPULATION: gettext_lazy("More respondents than service users"),
    UNIFORM_ANSWERS: gettext_lazy("Nearly identical answers"),
    IKM_CHANGE: gettext_lazy("Large IKM change"),
    TOO_FAST: gettext_lazy("Filled in too fast"),
}


@dataclass(frozen=True)
class Flag:
    code: str
    unit_id: int
    facts: dict[str, Any]  # the evidence, as plain values
    review: FlagReview | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return str(FLAG_LABELS[self.code])

    @property
    def fingerprint(self) -> str:
        """What a reviewer saw: a SHA-256 of the facts that, if they change, call for another look."""
        keys = _FINGERPRINT_KEYS[self.code]
        facts = json.dumps({key: self.facts[key] for key in keys}, sort_keys=True, default=str)
        return hashlib.sha256(facts.encode()).hexdigest()

    @property
    def reviewed(self) -> bool:
        return self.review is not None and self.review.fingerprint == self.fingerprint

    @property
    def evidence(self) -> str:
        f = self.facts
        if self.code == BURST:
            return _(
                "%(clients)s device(s) sent up to %(largest)s responses within %(minutes)s minutes "
                "(largest burst %(start)s to %(end)s; %(responses)s responses in such bursts)."
            ) % {**f, "start": _when(f["start"]), "end": _when(f["end"]), "minutes": settings.SKM_FLAG_BURST_MINUTES}
        if self.code == DUPLICATE:
            return _(
                "%(repeats)s response(s) repeat an earlier one exactly (answers, profile and suggestion) "
                "within %(minutes)s minutes; first at %(first)s."
            ) % {**f, "first": _when(f["first"]), "minutes": settings.SKM_FLAG_DUPLICATE_MINUTES}
        if self.code == OVER_POPULATION:
            return (
                _("%(respondents)s respondents, but the unit entered %(populasi)s service users for the period.") % f
            )
        if self.code == UNIFORM_ANSWERS:
            return (
                _("%(count)s of %(respondents)s responses (%(percent)s %%) give the same nine answers %(answers)s.")
                % f
            )
        if self.code == TOO_FAST:
            return (
                _(
                    "%(count)s response(s) were filled in under %(seconds)s seconds from the form shown to the "
                    "form sent (the fastest in %(fastest)s seconds)."
                )
                % f
            )
        return _("IKM %(previous)s in %(previous_period)s, %(current)s now (%(change)s points).") % f


_FINGERPRINT_KEYS = {
    BURST: ("clients", "hashes", "band"),
    DUPLICATE: ("repeats",),
    OVER_POPULATION: ("populasi",),
    UNIFORM_ANSWERS: ("answers", "band"),
    IKM_CHANGE: ("previous_period", "direction", "band"),
    TOO_FAST: ("seconds", "band"),
}


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def band(value: Fraction) -> int:
    """Five-point steps: a reviewed flag opens again when its size moves into another step."""
    return int(value // 5)
