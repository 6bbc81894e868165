"""The public questionnaire: anonymous, phone-first, works without JavaScript."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from units.access import city_admin_required
from units.audit import audit_record
from units.models import Unit

from .clients import client_address, client_hash
from .forms import PeriodForm, QuestionnaireForm
from .selectors import period_open_on, unsur_list
from .models import Period
from .services import PeriodLocked, period_get_or_create, period_lock, period_open, rate_limit_consume, response_submit

RATE_WINDOW_SECONDS = 3600


def _public_unit(kode: str) -> Unit:
    unit = Unit.objects.filter(kode=kode).first()
    if unit is None:
        raise Http404("unknown unit")
    return unit


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, kode: str) -> HttpResponse:
    unit = _public_unit(kode)
    period = period_open_on()
    if not unit.aktif or period is None:
        return render(request, "surveys/closed.html", {"unit": unit})
    form_kwargs = {
        "unsur": unsur_list(),
        "jenis_layanan": list(unit.jenis_layanan.values_list("nama", flat=True)),
    }
    if request.method == "POST":
        form = QuestionnaireForm(request.POST, **form_kwargs)
        if form.is_valid():
            thanks = redirect("surveys:thanks", kode=unit.kode)
            if form.is_bot():
                return thanks  # let it believe it succeeded; store nothing
            hashed = client_hash(client_address(request))
            if not rate_limit_consume(
                key=f"survei:{unit.pk}:{hashed}",
                capacity=settings.SKM_SUBMISSIONS_PER_HOUR,
                per_seconds=RATE_WINDOW_SECONDS,
            ):
                return render(request, "surveys/rate_limited.html", {"unit": unit}, status=429)
            try:
                # A form posted again (double tap, reload) finds its first response and stores nothing.
                response_submit(
                    unit=unit, period=period, answers=form.answers(),
                    submission_id=form.cleaned_data["submission_id"], client_hash=hashed,
                )
            except PeriodLocked:
                return render(request, "surveys/closed.html", {"unit": unit})
            return thanks
        if "submission_id" in form.errors:
            form.renew_submission_id()
    else:
        form = QuestionnaireForm(initial={"submission_id": uuid.uuid4()}, **form_kwargs)
    return render(request, "surveys/questionnaire.html", {"unit": unit, "period": period, "form": form})


def thanks(request: HttpRequest, kode: str) -> HttpResponse:
    return render(request, "surveys/thanks.html", {"unit": _public_unit(kode)})


@city_admin_required
def period_list(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        period = period_get_or_create(kode=form.cleaned_data["kode"])
        audit_record(user=request.user, action="periode_buat", period=period)
        messages.success(request, _("Period %(kode)s is ready; open it to collect answers.") % {"kode": period.kode})
        return redirect("surveys:periods")
    periods = Period.objects.order_by("-tanggal_mulai").annotate(responden=Count("responses"))
    return render(request, "surveys/periods.html", {"periods": periods, "form": form})


@city_admin_required
@require_POST
def period_state(request: HttpRequest, kode: str, action: str) -> HttpResponse:
    period = get_object_or_404(Period, kode=kode)
    try:
        if action == "buka":
            period_open(kode=period.kode, user=request.user)
            messages.success(request, _("Period %(kode)s is open.") % {"kode": kode})
        else:
            period_lock(kode=period.kode, user=request.user)
            messages.success(request, _("Period %(kode)s is locked: its report is final.") % {"kode": kode})
    except PeriodLocked as error:
        messages.error(request, str(error))
    return redirect("surveys:periods")
