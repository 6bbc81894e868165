from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from surveys.models import Period

from .selectors import UNSUR_CODES, city_result, unit_results


def public_results(request: HttpRequest, kode: str | None = None) -> HttpResponse:
    """Published results (Permenpan requires publishing them): locked periods only, as they are final."""
    periods = list(Period.objects.filter(status=Period.Status.LOCKED).order_by("-tanggal_mulai"))
    if kode is not None:
        period = get_object_or_404(Period, kode=kode, status=Period.Status.LOCKED)
    else:
        period = periods[0] if periods else None
    results = [r for r in unit_results(period=period) if r.respondents] if period else []
    return render(
        request,
        "reports/public_results.html",
        {
            "periods": periods,
            "period": period,
            "results": results,
            "city": city_result(results) if period else None,
            "unsur_codes": UNSUR_CODES,
        },
    )
