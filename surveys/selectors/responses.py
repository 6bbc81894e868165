"""Reads of single responses and of the suggestions (saran) they carry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Window

from surveys.models import Period, Response
from units.models import Unit


def response_stored(*, submission_id: Any, unit: Unit) -> bool:
    """Whether this unit already stored a questionnaire with this id (as posted: any text, a UUID
    or not). Its repeats answer success before anything else is checked: the answer was stored
    even if the unit closed or its service list changed since."""
    key = _submission_key(submission_id)
    return key is not None and Response.objects.filter(submission_id=key, unit=unit).exists()


def response_stored_by_device(*, submission_id: Any, device_id: int) -> bool:
    """Whether this counter kiosk stored a questionnaire with this id (see response_stored)."""
    key = _submission_key(submission_id)
    return key is not None and Response.objects.filter(submission_id=key, device_id=device_id).exists()


def _submission_key(submission_id: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(submission_id))
    except ValueError:
        return None


@dataclass(frozen=True)
class SaranPage:
    items: list[Response]  # the newest first, at most `shown`
    total: int  # all that match


def saran_of_unit(*, unit: Unit, period: Period, query: str = "", shown: int = 100) -> SaranPage:
    """The unit's written suggestions of the period, newest first, optionally those containing `query`."""
    saran = Response.objects.filter(period=period, unit=unit).exclude(saran="")
    if query:
        saran = saran.filter(saran__icontains=query)
    # One query: each row carries the count of every match (a window over the filtered rows).
    items = list(saran.annotate(matches=Window(Count("pk"))).order_by("-submitted_at", "-pk")[:shown])
    return SaranPage(items=items, total=items[0].matches if items else 0)
