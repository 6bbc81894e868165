"""Reads of the audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from units.access import is_city_admin, units_for_user
from units.models import AuditEvent

AUDIT_EVENTS_SHOWN = 500


def audit_events_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AuditEvent]:
    """The newest events a user may read: all for city admins, their units' for unit admins."""
    events = AuditEvent.objects.select_related("user", "unit")
    if not is_city_admin(user):
        events = events.filter(unit__in=units_for_user(user))
    return events[:AUDIT_EVENTS_SHOWN]
