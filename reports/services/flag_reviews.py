"""A city admin's review of a data-quality flag: a note, never a change to the responses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reports.models import FlagReview
from reports.selectors.flags import unit_flags
from reports.selectors.results import unit_results
from surveys.models import Period
from units.models import Unit
from units.services.audit import audit_record


def flag_review(*, user: Any, unit: Unit, period: Period, code: str, catatan: str) -> FlagReview:
    """Mark a unit's data-quality flag as reviewed, with the reviewer's note; responses stay as they are."""
    catatan = catatan.strip()
    if not catatan:
        raise ValidationError(_("Write what you checked and concluded before marking the flag as reviewed."))
    (result,) = unit_results(period=period, units=[unit])
    flag = next((f for f in unit_flags(period=period, result=result) if f.code == code), None)
    if flag is None:
        raise ValidationError(_("This flag is no longer raised for the unit; nothing to review."))
    review, _created = FlagReview.objects.update_or_create(
        period=period,
        unit=unit,
        code=code,
        defaults={
            "fingerprint": flag.fingerprint,
            "catatan": catatan,
            "reviewed_by": user if user.is_authenticated else None,
        },
    )
    audit_record(user=user, action="tanda_ditinjau", unit=unit, periode=period.kode, detail=f"{code}: {catatan}")
    return review
