from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from surveys.models import Period, Response

from .selectors import UNSUR_CODES, city_result, unit_results


def home(request: HttpRequest) -> HttpResponse:
    """The latest period that has responses, every unit's figures and the city row."""
    period = Period.objects.filter(pk__in=Response.objects.values("period")).order_by("-tanggal_mulai").first()
    results = unit_results(period=period) if period else []
    return render(
        request,
        "reports/home.html",
        {
            "period": period,
            "results": results,
            "city": city_result(results) if period else None,
            "unsur_codes": UNSUR_CODES,
        },
    )
