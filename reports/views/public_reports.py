"""A unit's reports of a locked period for everyone, without login: what the city report's annex links to.

Open periods answer 404: their figures are not final and not published. The public edition never carries a
suggestion. A made PDF is kept in the cache for a while, since anyone may ask for it again and again."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from reports.pdf.unit import unit_realisasi_pdf, unit_report_pdf
from surveys.models import Period
from units.models import Unit

# Long enough that repeated requests cost nothing, short enough that a unit's change of public evidence shows.
CACHE_SECONDS = 600


def _locked(periode_kode: str, unit_kode: str) -> tuple[Period, Unit]:
    period = get_object_or_404(Period, kode=periode_kode, status=Period.Status.LOCKED)
    return period, get_object_or_404(Unit, kode=unit_kode)


def _pdf(kind: str, period: Period, unit: Unit, make: Callable[[], bytes]) -> HttpResponse:
    content = cache.get_or_set(f"public-pdf:{kind}:{period.pk}:{unit.pk}", make, CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-skm-{period.kode}-{unit.kode}.pdf"'
    return response


def public_unit_report(request: HttpRequest, periode_kode: str, unit_kode: str) -> HttpResponse:
    """The public edition of a unit's report of a locked period."""
    period, unit = _locked(periode_kode, unit_kode)
    return _pdf("laporan", period, unit, lambda: unit_report_pdf(unit=unit, period=period, public_edition=True))


def public_unit_realisasi(request: HttpRequest, periode_kode: str, unit_kode: str) -> HttpResponse:
    """How far the unit's plan of the previous period got during this locked period."""
    period, unit = _locked(periode_kode, unit_kode)
    return _pdf("realisasi", period, unit, lambda: unit_realisasi_pdf(unit=unit, period=period))
