"""Semester codes: `2023-S1` is January-June, `2023-S2` July-December."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from skm_portal.import_problems import shown

# ASCII digits only: \d also takes other scripts' digits (٢٠٢٣), which would name a second 2023-S2.
PERIODE_KODE_REGEX = r"[0-9]{4}-S[12]"
_CODE = re.compile(r"\A([0-9]{4})-S([12])\Z")


def semester_dates(kode: str) -> tuple[date, date]:
    """Standard first and last day of a semester code; ValueError for a malformed code."""
    match = _CODE.match(kode)
    if not match:
        raise ValueError(_("period code %(kode)s is not of the form YYYY-S1 or YYYY-S2") % {"kode": shown(kode)})
    year, semester = int(match[1]), int(match[2])
    if semester == 1:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def semester_code(day: date) -> str:
    """The code of the semester a day falls in."""
    return f"{day.year}-S{1 if day.month <= 6 else 2}"
