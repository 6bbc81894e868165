"""A unit's reports of a locked period for everyone, without login: what the city report's annex links to.

Open periods answer 404: their figures are not final and not published. The public edition never carries a
suggestion. A made PDF is kept a while in the "documents" cache (on disk, shared by the web server's worker
processes), since anyone may ask for it again and again; making one costs a worker a second or more, so one client
may have only SKM_PUBLIC_PDFS_PER_HOUR made an hour (a crawler of every unit's address would otherwise keep the
workers busy)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from reports.pdf.unit import unit_realisasi_pdf, unit_report_pdf
from reports.selectors.report_files import document_file_name
from skm_portal.clients import client_address
from surveys.clients import client_hash
from surveys.models import Period
from surveys.services.rate_limit import rate_limit_consume, retry_after_seconds
from units.models import Unit

# Long enough that repeated requests cost nothing, short enough that a unit's change of public evidence shows.
CACHE_SECONDS = 600
RATE_WINDOW_SECONDS = 3600


def _locked(periode_kode: str, unit_kode: str) -> tuple[Period, Unit]:
    period = get_object_or_404(Period, kode=periode_kode, status=Period.Status.LOCKED)
    return period, get_object_or_404(Unit, kode=unit_kode)


def _pdf(request: HttpRequest, kind: str, period: Period, unit: Unit, make: Callable[[], bytes]) -> HttpResponse:
    documents = caches["documents"]
    key = f"public-pdf:{kind}:{period.pk}:{unit.pk}"
    content = documents.get(key)
    if content is None:
        limit = settings.SKM_PUBLIC_PDFS_PER_HOUR
        bucket = f"public-pdf:{client_hash(client_address(request))}"
        # Staff signed in are accountable: not limited.
        if not request.user.is_authenticated and not rate_limit_consume(
            key=bucket, capacity=limit, per_seconds=RATE_WINDOW_SECONDS
        ):
            refused = render(request, "reports/public_pdf_limited.html", {"unit": unit, "period": period}, status=429)
            refused["Retry-After"] = str(retry_after_seconds(capacity=limit, per_seconds=RATE_WINDOW_SECONDS))
            return refused
        content = make()
        documents.set(key, content, CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/pdf")
    edition = "publik" if kind == "laporan" else ""  # a realisasi has one edition
    response["Content-Disposition"] = f'inline; filename="{document_file_name(f"{kind}-skm", period, unit, edition)}"'
    return response


def public_unit_report(request: HttpRequest, periode_kode: str, unit_kode: str) -> HttpResponse:
    """The public edition of a unit's report of a locked period."""
    period, unit = _locked(periode_kode, unit_kode)
    make = partial(unit_report_pdf, unit=unit, period=period, public_edition=True)
    return _pdf(request, "laporan", period, unit, make)


def public_unit_realisasi(request: HttpRequest, periode_kode: str, unit_kode: str) -> HttpResponse:
    """How far the unit's plan of the previous period got during this locked period."""
    period, unit = _locked(periode_kode, unit_kode)
    return _pdf(request, "realisasi", period, unit, partial(unit_realisasi_pdf, unit=unit, period=period))
