from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from surveys.models import Period

from units.access import city_admin_required

from .selectors import UNSUR_CODES, city_dashboard, city_result, unit_results


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


CITY_COLUMNS = [
    ("kode", _("Code")), ("nama", _("Service unit")), ("ikm", "IKM"), ("responden", _("Respondents")),
    ("sampel", _("Minimum sample")), ("prioritas", _("Priorities")), ("rencana", _("Plan actions")),
    ("realisasi", _("Realization")),
]
SORT_KEYS = {
    "kode": lambda row: row.result.kode,
    "nama": lambda row: row.result.nama,
    "ikm": lambda row: row.result.ikm,
    "responden": lambda row: row.result.respondents,
    "sampel": lambda row: row.sample_reached,
    "prioritas": lambda row: row.priorities,
    "rencana": lambda row: row.actions,
    "realisasi": lambda row: row.realization,
}


@city_admin_required
def city_dashboard_view(request: HttpRequest) -> HttpResponse:
    periods = list(Period.objects.order_by("-tanggal_mulai"))
    kode = request.GET.get("periode")
    period = get_object_or_404(Period, kode=kode) if kode else next(iter(periods), None)
    if period is None:
        return render(request, "reports/city_dashboard.html", {"periods": periods, "period": None})
    rows, city, city_realization = city_dashboard(period=period)
    order = request.GET.get("urut", "kode")
    key = SORT_KEYS.get(order.lstrip("-"), SORT_KEYS["kode"])
    # Units without a value sort last whatever the direction.
    present = [row for row in rows if key(row) is not None]
    rows = sorted(present, key=key, reverse=order.startswith("-")) + [row for row in rows if key(row) is None]
    return render(
        request,
        "reports/city_dashboard.html",
        {
            "periods": periods, "period": period, "rows": rows, "city": city, "city_realization": city_realization,
            "order": order, "columns": CITY_COLUMNS,
            "lists": [
                (_("Units without responses"), [row for row in rows if not row.result.respondents]),
                (_("Units below their minimum sample"), [row for row in rows if row.sample_reached is False]),
                (_("Units without a follow-up plan"), [row for row in rows if row.result.respondents and not row.actions]),
            ],
        },
    )
