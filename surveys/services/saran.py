"""Marking a respondent's suggestion (saran) as handled by the unit."""

from __future__ import annotations

from typing import Any

from surveys.models import Response
from units.services.audit import audit_record


def saran_mark_handled(*, user: Any, response: Response, handled: bool) -> None:
    response.saran_ditangani = handled
    response.save(update_fields=["saran_ditangani"])
    audit_record(
        user=user,
        action="saran_ditangani" if handled else "saran_dibuka",
        unit=response.unit,
        periode=response.period.kode,
        detail=f"#{response.pk}",
    )
