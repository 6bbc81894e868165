"""How the staff and public pages mark a planned action (tindak lanjut)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from reports.models import TindakLanjut
from reports.selectors.rencana import tindak_lanjut_overdue

register = template.Library()


@register.filter
def terlambat(action: TindakLanjut) -> bool:
    """Whether the action is late today (reports.selectors.rencana.tindak_lanjut_overdue)."""
    return tindak_lanjut_overdue(action, timezone.localdate())
