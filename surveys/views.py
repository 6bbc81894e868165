"""The public questionnaire: anonymous, phone-first, works without JavaScript."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from units.models import Unit

from .clients import client_address, client_hash
from .forms import QuestionnaireForm
from .selectors import period_open_on, unsur_list
from .services import PeriodLocked, rate_limit_consume, response_submit

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
