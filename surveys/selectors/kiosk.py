"""Reads of counter kiosks: a unit's devices for its page."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from surveys.models import KioskDevice
from units.models import Unit


def kiosk_devices(*, unit: Unit) -> QuerySet[KioskDevice]:
    """The unit's devices, newest first, each with `responses_today` (since local midnight)."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    today = Count("responses", filter=Q(responses__submitted_at__gte=midnight))
    return KioskDevice.objects.filter(unit=unit).annotate(responses_today=today).order_by("-created_at", "-pk")


def kiosk_device_of_unit(*, unit: Unit, pk: int) -> KioskDevice:
    """One of the unit's devices (the unit already checked to be in the user's reach), else 404."""
    try:
        return KioskDevice.objects.select_related("unit").get(unit=unit, pk=pk)
    except KioskDevice.DoesNotExist:
        raise Http404("unknown device") from None
