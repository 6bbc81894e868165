"""The audit trail: one line per change that matters (imports, plans, realization, periods)."""

from __future__ import annotations

from typing import Any

from .models import AuditEvent, Unit


def audit_record(*, user: Any, action: str, unit: Unit | None = None, period: Any = None, detail: str = "") -> AuditEvent:
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action, unit=unit, period=period, detail=detail[:2000],
    )
