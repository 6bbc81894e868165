"""The words a period's city report prints, and whether its place and date of signature are set."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from reports.models import FrontMatter, PeriodSnapshot
from reports.selectors.snapshot_contents import front_matter_current, front_matter_of_snapshot
from surveys.models import Period

# A snapshot's whole report and its per-unit hashes: a province's megabyte, which a document's words,
# date of lock and history points do not need.
_SNAPSHOT_FIGURES = ("data", "unit_sha256")


def report_snapshot(period: Period) -> PeriodSnapshot | None:
    """The snapshot a locked period's report is printed from (None while the period is open)."""
    if not period.is_locked:
        return None
    return PeriodSnapshot.objects.filter(period=period).defer(*_SNAPSHOT_FIGURES).first()


def report_front_matter(period: Period, *, frozen: PeriodSnapshot | None = None) -> FrontMatter:
    """The words the period's report prints: a locked period's as kept in its snapshot (`frozen`,
    when already read: report_snapshot)."""
    frozen = frozen or report_snapshot(period)
    return front_matter_of_snapshot(frozen) if frozen else front_matter_current(period)


def signature_set(period: Period, front: FrontMatter | None = None) -> bool:
    """Whether the period's report texts (`front`, when already read) have their place and date of signature."""
    front = front or report_front_matter(period)
    return bool(front.tempat.strip()) and front.tanggal is not None


def signature_missing(period: Period, front: FrontMatter | None = None) -> bool:
    """True when a final edition (a locked period's) cannot be made yet: no place or date of signature."""
    return period.is_locked and not signature_set(period, front)


def signature_missing_message(period: Period) -> str:
    """Why a locked period's city report is refused, and where to fix it."""
    return _(
        "The report of locked period %(kode)s needs its place and date of signature first: set them on "
        "the report texts page, %(path)s."
    ) % {"kode": period.kode, "path": reverse("reports:front_matter", args=[period.kode])}
