"""What a response may hold, whichever way it comes in (the questionnaire, paper entry, an import):
one set of rules. Each check answers None or the problem, in words for the person who entered it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from skm_portal.plain_text import text_problem

UMUR_MIN, UMUR_MAX = 10, 100
SARAN_MAX_LENGTH = 2000
JENIS_LAYANAN_MAX_LENGTH = 200
# The report's age bands: (label, lowest age, highest age), open at the ends.
KELOMPOK_UMUR = (("< 20", None, 19), ("20-29", 20, 29), ("30-39", 30, 39), ("40-49", 40, 49), (">= 50", 50, None))
# A filling time this far ahead of the server is the clock of the device or the spreadsheet, not the future.
FUTURE_TOLERANCE = timedelta(minutes=5)


def kelompok_umur(umur: int) -> str:
    """The report's age band of an age."""
    return next(
        label for label, low, high in KELOMPOK_UMUR if (low is None or umur >= low) and (high is None or umur <= high)
    )


def saran_problem(saran: str) -> str | None:
    return text_problem(saran, max_length=SARAN_MAX_LENGTH)


def umur_problem(umur: int) -> str | None:
    if not UMUR_MIN <= umur <= UMUR_MAX:
        return _("must be between %(min)s and %(max)s, got %(value)s") % {
            "min": UMUR_MIN,
            "max": UMUR_MAX,
            "value": umur,
        }
    return None


def jenis_layanan_checked(value: str, offered: Sequence[str]) -> tuple[str, str | None]:
    """The service type to store and its problem. A unit that lists its service types takes one of
    them (as the questionnaire offers them, whatever the case and spacing written); a unit without
    a list takes the text as written (the questionnaire then does not ask)."""
    problem = text_problem(value, max_length=JENIS_LAYANAN_MAX_LENGTH)
    if problem or not offered:
        return value, problem
    by_key = {" ".join(name.lower().split()): name for name in offered}
    chosen = by_key.get(" ".join(value.lower().split()))
    if chosen is not None:
        return chosen, None
    choices = ", ".join(offered)
    if not value:
        return value, _("required: the unit offers %(choices)s") % {"choices": choices}
    return value, _("not one of the unit's service types (%(choices)s)") % {"choices": choices}


def filling_time_problem(filled: datetime, now: datetime) -> str | None:
    """A questionnaire cannot have been filled in after now."""
    if filled > now + FUTURE_TOLERANCE:
        return _("lies in the future")
    return None
