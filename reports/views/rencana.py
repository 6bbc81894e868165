"""A unit's plan: choosing its prioritas, writing the tindak lanjut, recording their realisasi."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.access import tindak_lanjut_for_user
from reports.forms import PrioritasForm, RealisasiForm, TindakLanjutForm
from reports.models import PrioritasUnsur
from reports.selectors.results import unit_results
from reports.selectors.saran_tema import most_complained_of_unit, top_phrases
from reports.services.realisasi import BUKTI_MAX_BYTES, realisasi_open, realisasi_record
from reports.services.rencana import prioritas_set, tindak_lanjut_add, tindak_lanjut_delete
from reports.views.dashboards import unit_dashboard_url
from skm_portal.uploads import refuse_upload_on_form, upload_limit, upload_refused
from surveys.models import Period
from surveys.selectors.periods import next_period
from surveys.selectors.unsur import unsur_list
from units.access import unit_for_user


@login_required
def prioritas_view(request: HttpRequest, unit_kode: str, periode_kode: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_kode)
    period = get_object_or_404(Period, kode=periode_kode)
    (result,) = unit_results(period=period, units=[unit])
    chosen = list(PrioritasUnsur.objects.filter(unit=unit, period=period).select_related("unsur"))
    initial = [p.unsur.kode for p in chosen] or list(result.proposed_prioritas)
    unsur = unsur_list()
    form = PrioritasForm(
        request.POST or None, unsur=unsur, initial={f"prioritas_{n}": c for n, c in enumerate(initial, start=1)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            prioritas_set(user=request.user, unit=unit, period=period, unsur_codes=form.codes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Priority elements saved."))
            return redirect("reports:rencana", unit_kode=unit.kode, periode_kode=period.kode)
    values = [(u.kode, u.label_singkat, v) for u, v in zip(unsur, result.unsur or [None] * len(unsur), strict=True)]
    context = {
        "unit": unit,
        "period": period,
        "form": form,
        "confirmed": bool(chosen),
        "values": values,
        "complained": most_complained_of_unit(period=period, unit=unit),
    }
    return render(request, "reports/prioritas.html", context)


@login_required
def rencana_view(request: HttpRequest, unit_kode: str, periode_kode: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_kode)
    period = get_object_or_404(Period, kode=periode_kode)
    prioritas = list(
        PrioritasUnsur.objects.filter(unit=unit, period=period)
        .select_related("unsur")
        .prefetch_related("tindak_lanjut")
    )
    form = TindakLanjutForm(request.POST or None, prioritas=prioritas)
    if request.method == "POST" and form.is_valid():
        try:
            tindak_lanjut_add(
                user=request.user,
                prioritas=form.chosen_prioritas(),
                teks=form.cleaned_data["teks"],
                katalog=form.cleaned_data["katalog"],
                target=form.cleaned_data["target"],
                penanggung_jawab=form.cleaned_data["penanggung_jawab"],
                tema_unsur=form.cleaned_data["tema_unsur"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Action added to the plan."))
            return redirect("reports:rencana", unit_kode=unit.kode, periode_kode=period.kode)
    # What respondents complained about in each priority's own words, beside its actions.
    rows = [(p, top_phrases(period=period, unit=unit, unsur=p.unsur.kode, jenis=("keluhan",))) for p in prioritas]
    context = {"unit": unit, "period": period, "prioritas": prioritas, "rows": rows, "form": form}
    return render(request, "reports/rencana.html", context)


@login_required
@require_POST
def tindak_lanjut_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    tindak_lanjut = tindak_lanjut_for_user(request.user, pk)
    unit, period = tindak_lanjut.prioritas.unit, tindak_lanjut.prioritas.period
    try:
        tindak_lanjut_delete(user=request.user, tindak_lanjut=tindak_lanjut)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reports:rencana", unit_kode=unit.kode, periode_kode=period.kode)


@upload_limit(BUKTI_MAX_BYTES)
@login_required
def realisasi_view(request: HttpRequest, pk: int) -> HttpResponse:
    tindak_lanjut = tindak_lanjut_for_user(request.user, pk)
    posted = request.method == "POST"
    form = RealisasiForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={
            "progres": tindak_lanjut.progres,
            "bukti_tautan": tindak_lanjut.bukti_tautan,
            "bukti_publik": tindak_lanjut.bukti_publik,
        },
    )
    period = tindak_lanjut.prioritas.period
    if posted and upload_refused(request):
        # Refused while it arrived (skm_portal.uploads): nothing is saved, not even the progress.
        refuse_upload_on_form(form, "bukti_file", _("The evidence file is larger than 10 MB."))
    elif posted and form.is_valid():
        try:
            realisasi_record(user=request.user, tindak_lanjut=tindak_lanjut, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Realization saved."))
            shown_in = next_period(period) or period  # the next period's dashboard shows this realisasi
            return redirect(unit_dashboard_url(tindak_lanjut.prioritas.unit.kode, shown_in.kode))
    context = {"tindak_lanjut": tindak_lanjut, "form": form, "open": realisasi_open(period)}
    return render(request, "reports/realisasi.html", context)
