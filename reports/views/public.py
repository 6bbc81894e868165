"""Published results (Permenpan requires publishing them): locked periods only, as they are final."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from reports.models import PeriodSnapshot
from reports.selectors.public_results import SORTS, listed_units, listing_from, published_periods
from reports.selectors.rencana import rencana_publik
from reports.selectors.results import city_result, unit_results
from reports.selectors.rollups import rollups
from reports.selectors.saran_tema import public_themes
from surveys.models import Period
from units.models import Unit


def public_results(request: HttpRequest, periode_kode: str | None = None) -> HttpResponse:
    """A locked period's results (without one named: the newest with responses); the units list is
    searched and sorted by ?q=&urut= (a plain GET form: no JavaScript needed)."""
    periods = published_periods()
    if periode_kode is not None:
        period = get_object_or_404(Period, kode=periode_kode, status=Period.Status.LOCKED)
    else:
        period = periods[0] if periods else None
    results = [r for r in unit_results(period=period) if r.respondents] if period else []
    listing = listing_from(request.GET)
    return render(
        request,
        "reports/public_results.html",
        {
            "periods": periods,
            "period": period,
            "results": results,
            "listing": listing,
            "listed": listed_units(results, listing),
            "sorts": SORTS,
            "city": city_result(results) if period else None,
            "rollups": rollups(period=period, results=results) if period else [],
            "snapshot": PeriodSnapshot.objects.filter(period=period).first() if period else None,
        },
    )


def public_rencana(request: HttpRequest, periode_kode: str, unit_kode: str) -> HttpResponse:
    """The follow-up page "Kami mendengar, kami bertindak": a unit's result of a locked period, its
    priorities, its plan and how far each action got. Suggestions are never shown, only the unsur
    most written about, from SKM_SARAN_TEMA_MIN suggestions up; evidence only where the unit chose to."""
    period = get_object_or_404(Period, kode=periode_kode, status=Period.Status.LOCKED)
    unit = get_object_or_404(Unit, kode=unit_kode)
    context = {
        "period": period,
        "unit": unit,
        "f": rencana_publik(unit=unit, period=period),
        "tema": public_themes(period=period, unit=unit, minimum=settings.SKM_SARAN_TEMA_MIN),
    }
    return render(request, "reports/public_rencana.html", context)


def public_responses_csv(request: HttpRequest, periode_kode: str) -> FileResponse:
    """The canonical, anonymized CSV of a locked period: the file whose SHA-256 the results page shows."""
    snapshot = get_object_or_404(PeriodSnapshot, period__kode=periode_kode, period__status=Period.Status.LOCKED)
    try:
        stream = snapshot.csv_file.open("rb")
    except FileNotFoundError:  # media lost (e.g. restored without its volume): verify_period tells more
        raise Http404("snapshot file missing") from None
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"skm-{periode_kode}-responden.csv",
        content_type="text/csv; charset=utf-8",
    )
