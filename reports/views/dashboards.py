"""The staff workspace: where a user lands, the unit dashboard (with the forms it hosts) and the city dashboard."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reports.forms import CityDashboardForm, FlagReviewForm, PeriodChoiceForm, UnitDashboardForm
from reports.selectors.dashboards import CityRow, city_dashboard, unit_dashboard
from reports.selectors.results import city_methods
from reports.selectors.saran_tema import city_themes
from reports.services.flag_reviews import flag_review
from reports.skm import round_half_up
from surveys.access import response_for_user
from surveys.exceptions import PeriodLocked
from surveys.forms import UnitPeriodForm
from surveys.models import Period, UnitPeriod
from surveys.selectors.periods import (
    period_shown_first,
    period_with_kode,
    periods_newest_first,
    previous_in,
    unit_period_setting,
)
from surveys.selectors.unsur import unsur_list
from surveys.services.periods import unit_period_update
from surveys.services.saran import saran_mark_handled
from units.access import city_admin_required, is_city_admin, unit_for_user


def unit_dashboard_url(unit_kode: str, periode_kode: str, anchor: str = "") -> str:
    return f"{reverse('reports:unit_dashboard', args=[unit_kode])}?periode={periode_kode}{anchor}"


@login_required
def workspace_home(request: HttpRequest) -> HttpResponse:
    if is_city_admin(request.user):
        return redirect("reports:city_dashboard")
    assigned = list(request.user.unit_roles.select_related("unit")[:2])
    if len(assigned) == 1:
        return redirect("reports:unit_dashboard", unit_kode=assigned[0].unit.kode)
    return redirect("surveys:unit_list")


def _chosen_period(
    form: PeriodChoiceForm,
    periods: list[Period],
    shown_first: Callable[[list[Period]], Period | None] = period_shown_first,
) -> Period | None:
    """The period of `?periode=` (one of `periods`, every period), else `shown_first` of them (the
    one a dashboard opens on); 404 for one that does not exist."""
    if not form.is_valid() and "periode" in form.errors:
        raise Http404("unknown period")
    kode = form.cleaned_data.get("periode")
    if not kode:
        return shown_first(periods)
    chosen = period_with_kode(periods, kode)
    if chosen is None:
        raise Http404("unknown period")
    return chosen


@login_required
def unit_dashboard_view(request: HttpRequest, unit_kode: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_kode)
    query = UnitDashboardForm(request.GET)
    periods = list(periods_newest_first())
    period = _chosen_period(query, periods)
    if period is None:
        return render(request, "reports/unit_no_period.html", {"unit": unit})
    saran_query = query.cleaned_data.get("q", "")  # a search with a NUL finds nothing to look for
    data = unit_dashboard(unit=unit, period=period, before=previous_in(periods, period), saran_query=saran_query)
    values = data.result.unsur or ()
    unsur_rows = [
        {
            "kode": u.kode,
            "label": u.label_singkat,
            "value": values[i] if values else None,
            "counts": data.distribution[u.kode],
        }
        for i, u in enumerate(unsur_list())
    ]
    chart = {"labels": [row["label"] for row in unsur_rows], "values": [float(round_half_up(v)) for v in values]}
    context = {
        "unit": unit,
        "period": period,
        "periods": periods,
        "d": data,
        "q": saran_query,
        # What the unit declared, as read with its figures (the form only shows it).
        "setting_form": UnitPeriodForm(
            instance=UnitPeriod(unit=unit, period=period, populasi=data.result.populasi, metode=data.result.metode)
        ),
        "unsur_rows": unsur_rows,
        "chart": chart,
    }
    return render(request, "reports/unit_dashboard.html", context)


@login_required
@require_POST
def unit_period_settings(request: HttpRequest, unit_kode: str, periode_kode: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_kode)
    period = get_object_or_404(Period, kode=periode_kode)
    form = UnitPeriodForm(request.POST, instance=unit_period_setting(unit=unit, period=period))
    if form.is_valid():
        try:
            unit_period_update(user=request.user, unit=unit, period=period, **form.cleaned_data)
        except PeriodLocked as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(unit_dashboard_url(unit.kode, period.kode))


@login_required
@require_POST
def saran_handled(request: HttpRequest, pk: int) -> HttpResponse:
    response = response_for_user(request.user, pk)
    saran_mark_handled(user=request.user, response=response, handled=request.POST.get("ditangani") == "1")
    return redirect(unit_dashboard_url(response.unit.kode, response.period.kode, "#saran"))


CITY_COLUMNS = [
    ("kode", gettext_lazy("Code")),
    ("nama", gettext_lazy("Service unit")),
    ("ikm", "IKM"),
    ("responden", gettext_lazy("Respondents")),
    ("sampel", gettext_lazy("Minimum sample")),
    ("prioritas", gettext_lazy("Priorities")),
    ("rencana", gettext_lazy("Plan actions")),
    ("realisasi", gettext_lazy("Realization")),
    ("tanda", gettext_lazy("Open flags")),
]
SORT_KEYS = {
    "kode": lambda row: row.result.kode,
    "nama": lambda row: row.result.nama,
    "ikm": lambda row: row.result.ikm,
    "responden": lambda row: row.result.respondents,
    "sampel": lambda row: row.result.sample_reached,
    "prioritas": lambda row: row.prioritas,
    "rencana": lambda row: row.tindak_lanjut,
    "realisasi": lambda row: row.realisasi,
    "tanda": lambda row: row.open_flags,
}


def _sorted_rows(rows: list[CityRow], order: str) -> list[CityRow]:
    key = SORT_KEYS.get(order.lstrip("-"), SORT_KEYS["kode"])
    # Units without a value sort last whatever the direction.
    present = [row for row in rows if key(row) is not None]
    return sorted(present, key=key, reverse=order.startswith("-")) + [row for row in rows if key(row) is None]


@city_admin_required
def city_dashboard_view(request: HttpRequest) -> HttpResponse:
    periods = list(periods_newest_first())
    query = CityDashboardForm(request.GET)
    period = _chosen_period(query, periods, shown_first=lambda found: next(iter(found), None))  # the newest
    if period is None:
        return render(request, "reports/city_dashboard.html", {"periods": periods, "period": None})
    rows, city, city_realisasi = city_dashboard(period=period)
    order = query.cleaned_data.get("urut") or "kode"
    rows = _sorted_rows(rows, order)
    lists = [
        (_("Units without responses"), [row for row in rows if not row.result.respondents]),
        (_("Units below their minimum sample"), [row for row in rows if row.result.sample_reached is False]),
        (
            _("Units without a follow-up plan"),
            [row for row in rows if row.result.respondents and not row.tindak_lanjut],
        ),
        (_("Units with open data-quality flags"), [row for row in rows if row.open_flags]),
    ]
    context = {
        "periods": periods,
        "period": period,
        "rows": rows,
        "city": city,
        "city_realisasi": city_realisasi,
        "order": order,
        "columns": CITY_COLUMNS,
        "lists": lists,
        "saran_per_unsur": city_themes(period=period),
        "methods": city_methods(row.result for row in rows),
    }
    return render(request, "reports/city_dashboard.html", context)


@city_admin_required
@require_POST
def flag_review_view(request: HttpRequest, unit_kode: str, periode_kode: str, code: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_kode)
    period = get_object_or_404(Period, kode=periode_kode)
    form = FlagReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["catatan"])
        flag_review(user=request.user, unit=unit, period=period, code=code, catatan=form.cleaned_data["catatan"])
        messages.success(request, _("The flag is marked as reviewed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(unit_dashboard_url(unit.kode, period.kode, "#tanda"))
