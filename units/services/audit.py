"""The audit trail: one line per change that matters (imports, plans, realisasi, periods), written by
the services that make the change."""

from __future__ import annotations

from typing import Any

from units.models import AuditEvent, Unit

DETAIL_MAX_LENGTH = 2000


def audit_record(
    *, user: Any, action: str, unit: Unit | None = None, periode: str = "", detail: str = ""
) -> AuditEvent:
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        unit=unit,
        periode=periode,
        detail=detail[:DETAIL_MAX_LENGTH],
    )
