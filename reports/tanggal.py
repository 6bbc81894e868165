"""Dates as the city report writes them: Indonesian month names, "Juli - Oktober 2023", "31 Januari 2024"."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def collection_window(first: datetime, last: datetime, separator: str = " - ") -> str:
    """The span of response dates as the report prints it: "Juli - Oktober 2023"
    (or "Juli sampai dengan Oktober 2023" with another separator)."""
    zone = timezone.get_default_timezone()  # the city's (TIME_ZONE): what its report prints, read once per process
    first, last = first.astimezone(zone), last.astimezone(zone)
    if (first.year, first.month) == (last.year, last.month):
        return f"{BULAN[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"{BULAN[first.month - 1]}{separator}{BULAN[last.month - 1]} {last.year}"
    return f"{BULAN[first.month - 1]} {first.year}{separator}{BULAN[last.month - 1]} {last.year}"


def tanggal_indonesia(day: date | datetime) -> str:
    """31 Januari 2024."""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"
