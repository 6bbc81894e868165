"""The words of a period's city report and the city IKM of periods before the portal (audited)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import FrontMatter, HistoricalIkm
from surveys.exceptions import PeriodLocked
from surveys.services.periods import period_held
from units.services.audit import audit_record


@transaction.atomic
def front_matter_save(*, front_matter: FrontMatter, user: Any) -> FrontMatter:
    """Save a period's report words; a locked period's are published with its report and never change.

    The period is read again under its row lock (surveys.services.periods.period_held), so locking
    waits for a save in progress and a save after the lock is refused."""
    period = period_held(front_matter.period)
    if period.is_locked:
        raise PeriodLocked(_("Period %(kode)s is locked: its report can no longer change.") % {"kode": period.kode})
    front_matter.save()
    audit_record(user=user, action="pengantar_laporan", periode=period.kode)
    return front_matter


def historical_period(tahun: int, semester: int | None) -> tuple[str, int]:
    """The label and sort key of a period before the portal: a whole year ("2018", 201800) or a
    semester written as the portal's period codes ("2022-S2", 202202); a year sorts before its semesters."""
    if semester is None:
        return str(tahun), tahun * 100
    return f"{tahun}-S{semester}", tahun * 100 + semester


def historical_ikm_add(*, tahun: int, semester: int | None, ikm: Decimal, user: Any) -> HistoricalIkm:
    """A history point; locked periods keep the points they were locked with (their snapshot).

    A period entered already keeps its value (a double submission stores it once; the form says so
    when it can see it before)."""
    label, urutan = historical_period(tahun, semester)
    item, created = HistoricalIkm.objects.get_or_create(label=label, defaults={"urutan": urutan, "ikm": ikm})
    if created:
        audit_record(user=user, action="riwayat_ikm", detail=f"{item.label}: {item.ikm}")
    return item


def historical_ikm_delete(*, item: HistoricalIkm, user: Any) -> None:
    detail = f"{item.label}: {item.ikm}"
    item.delete()
    audit_record(user=user, action="riwayat_ikm_hapus", detail=detail)
