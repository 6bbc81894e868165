"""The unit workspace (login required; what a user reaches is decided by units.access)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.models import PrioritasUnsur
from reports.selectors import next_period, unit_dashboard
from reports.views import evidence_file_response
from reports.skm import round_half_up
from reports.services import (
    prioritas_set,
    realisasi_record,
    realization_open,
    saran_mark_handled,
    tindak_lanjut_add,
    tindak_lanjut_delete,
)
from surveys.forms import QuestionnaireForm
from surveys.models import Period, Response
from surveys.qr import poster_pdf, qr_png, qr_svg, survey_url
from surveys.selectors import period_open_on, unsur_list
from surveys.services import RESPONSE_COLUMNS, PeriodLocked, SubmissionRefused, response_submit, responses_import
from surveys.tabular import ImportFailed

from .access import action_for_user, is_city_admin, response_for_user, unit_for_user, units_for_user, visible_unit_ids
from .forms import ImportForm, PrioritasForm, RealisasiForm, TindakLanjutForm, UnitPeriodForm
from .models import AuditEvent, UnitPeriod
from .services import unit_period_update


@login_required
def workspace_home(request: HttpRequest) -> HttpResponse:
    if is_city_admin(request.user):
        return redirect("reports:city_dashboard")
    assigned = list(request.user.unit_roles.select_related("unit")[:2])
    if len(assigned) == 1:
        return redirect("units:dashboard", kode=assigned[0].unit.kode)
    return redirect("units:list")


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = units_for_user(request.user).select_related("induk").order_by("kode")
    return render(request, "units/unit_list.html", {"units": units})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def unit_qr(request: HttpRequest, kode: str, fmt: str) -> HttpResponse:
    unit = unit_for_user(request.user, kode)
    url = survey_url(request, unit)
    if fmt == "png":
        return _download(qr_png(url), "image/png", f"qr-survei-{unit.kode}.png")
    return _download(qr_svg(url), "image/svg+xml", f"qr-survei-{unit.kode}.svg")


@login_required
def unit_poster(request: HttpRequest, kode: str) -> HttpResponse:
    unit = unit_for_user(request.user, kode)
    return _download(poster_pdf(unit, survey_url(request, unit)), "application/pdf", f"poster-survei-{unit.kode}.pdf")


def _period(request: HttpRequest) -> Period | None:
    """The period asked for, else the latest one with responses, else the latest one."""
    kode = request.GET.get("periode")
    if kode:
        return get_object_or_404(Period, kode=kode)
    return (
        Period.objects.filter(responses__isnull=False).order_by("-tanggal_mulai").first()
        or Period.objects.order_by("-tanggal_mulai").first()
    )


@login_required
def unit_dashboard_view(request: HttpRequest, kode: str) -> HttpResponse:
    unit = unit_for_user(request.user, kode)
    period = _period(request)
    if period is None:
        return render(request, "units/no_period.html", {"unit": unit})
    query = request.GET.get("q", "").strip()
    data = unit_dashboard(unit=unit, period=period, saran_query=query)
    setting = UnitPeriod.objects.filter(unit=unit, period=period).first() or UnitPeriod(unit=unit, period=period)
    values = data.result.unsur or ()
    unsur_rows = [
        {"kode": u.kode, "label": u.label_singkat, "value": values[i] if values else None, "counts": data.distribution[u.kode]}
        for i, u in enumerate(unsur_list())
    ]
    chart = {"labels": [row["label"] for row in unsur_rows], "values": [float(round_half_up(v)) for v in values]}
    return render(
        request,
        "units/dashboard.html",
        {
            "unit": unit, "period": period, "periods": Period.objects.order_by("-tanggal_mulai"), "d": data, "q": query,
            "setting_form": UnitPeriodForm(instance=setting), "unsur_rows": unsur_rows, "chart": chart,
        },
    )


@login_required
@require_POST
def unit_period_settings(request: HttpRequest, kode: str, periode: str) -> HttpResponse:
    unit = unit_for_user(request.user, kode)
    period = get_object_or_404(Period, kode=periode)
    setting = UnitPeriod.objects.filter(unit=unit, period=period).first() or UnitPeriod(unit=unit, period=period)
    form = UnitPeriodForm(request.POST, instance=setting)
    if period.is_locked:
        messages.error(request, _("Period %(kode)s is locked: its report can no longer change.") % {"kode": period.kode})
    elif form.is_valid():
        unit_period_update(user=request.user, unit=unit, period=period, **form.cleaned_data)
        messages.success(request, _("Saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{redirect('units:dashboard', kode=unit.kode).url}?periode={period.kode}")


@login_required
def prioritas_view(request: HttpRequest, kode: str, periode: str) -> HttpResponse:
    unit = unit_for_user(request.user, kode)
    period = get_object_or_404(Period, kode=periode)
    data = unit_dashboard(unit=unit, period=period)
    chosen = [p.unsur.kode for p in data.prioritas]
    initial = chosen or list(data.result.proposed_priorities)
    choices = [(u.kode, f"{u.kode} {u.label_singkat}") for u in unsur_list()]
    form = PrioritasForm(request.POST or None, unsur_choices=choices, initial={f"prioritas_{n}": c for n, c in enumerate(initial, start=1)})
    if request.method == "POST" and form.is_valid():
        try:
            prioritas_set(user=request.user, unit=unit, period=period, unsur_codes=form.codes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Priority elements saved."))
            return redirect("units:rencana", kode=unit.kode, periode=period.kode)
    values = [(u.kode, u.label_singkat, v) for u, v in zip(unsur_list(), data.result.unsur or [None] * 9)]
    return render(
        request, "units/prioritas.html",
        {"unit": unit, "period": period, "form": form, "confirmed": bool(chosen), "values": values},
    )


@login_required
def rencana_view(request: HttpRequest, kode: str, periode: str) -> HttpResponse:
    unit = unit_for_user(request.user, kode)
    period = get_object_or_404(Period, kode=periode)
    prioritas = list(PrioritasUnsur.objects.filter(unit=unit, period=period).select_related("unsur").prefetch_related("tindak_lanjut"))
    form = TindakLanjutForm(request.POST or None, prioritas=prioritas)
    if request.method == "POST" and form.is_valid():
        katalog = form.cleaned_data["katalog"]
        # A catalog action belongs to its own unsur's priority, whichever priority is selected.
        chosen = next(p for p in prioritas if (p.unsur_id == katalog.unsur_id if katalog else p.pk == form.cleaned_data["prioritas"]))
        try:
            tindak_lanjut_add(
                user=request.user, prioritas=chosen, teks=form.cleaned_data["teks"], katalog=katalog,
                target=form.cleaned_data["target"], penanggung_jawab=form.cleaned_data["penanggung_jawab"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Action added to the plan."))
            return redirect("units:rencana", kode=unit.kode, periode=period.kode)
    return render(request, "units/rencana.html", {"unit": unit, "period": period, "prioritas": prioritas, "form": form})


@login_required
@require_POST
def tindak_lanjut_hapus(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_for_user(request.user, pk)
    unit, period = action.prioritas.unit, action.prioritas.period
    try:
        tindak_lanjut_delete(user=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("units:rencana", kode=unit.kode, periode=period.kode)


@login_required
def realisasi_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_for_user(request.user, pk)
    form = RealisasiForm(
        request.POST or None, request.FILES or None,
        initial={"progres": action.progres, "bukti_tautan": action.bukti_tautan, "bukti_publik": action.bukti_publik},
    )
    period = action.prioritas.period
    if request.method == "POST" and form.is_valid():
        try:
            realisasi_record(
                user=request.user, action=action, progres=form.cleaned_data["progres"],
                bukti_file=form.cleaned_data["bukti_file"], bukti_tautan=form.cleaned_data["bukti_tautan"],
                bukti_publik=form.cleaned_data["bukti_publik"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Realization saved."))
            shown_in = next_period(period) or period  # the next period's dashboard shows this realization
            return redirect(f"{redirect('units:dashboard', kode=action.prioritas.unit.kode).url}?periode={shown_in.kode}")
    return render(request, "units/realisasi.html", {"action": action, "form": form, "open": realization_open(period)})


@login_required
def bukti_view(request: HttpRequest, pk: int) -> FileResponse:
    return evidence_file_response(action_for_user(request.user, pk))


@login_required
@require_POST
def saran_ditangani(request: HttpRequest, pk: int) -> HttpResponse:
    response = response_for_user(request.user, pk)
    saran_mark_handled(user=request.user, response=response, handled=request.POST.get("ditangani") == "1")
    return redirect(f"{redirect('units:dashboard', kode=response.unit.kode).url}?periode={response.period.kode}#saran")


@login_required
def kuesioner_kertas(request: HttpRequest, kode: str) -> HttpResponse:
    """Type in one paper questionnaire (channel "paper") into the period open today.

    Paper questionnaires of an earlier window come in as a file (impor_view), whose rows carry their dates.
    """
    unit = unit_for_user(request.user, kode)
    period = period_open_on()
    form_kwargs = {"unsur": unsur_list(), "jenis_layanan": list(unit.jenis_layanan.values_list("nama", flat=True))}
    if request.method == "POST" and period is not None:
        form = QuestionnaireForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                response_submit(
                    unit=unit, period=period, answers=form.answers(), submission_id=form.cleaned_data["submission_id"],
                    channel=Response.Channel.PAPER,
                )
            except (PeriodLocked, SubmissionRefused) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Paper questionnaire saved. You can type in the next one."))
                return redirect("units:kertas", kode=unit.kode)
        elif "submission_id" in form.errors:
            form.renew_submission_id()
    else:
        form = QuestionnaireForm(initial={"submission_id": uuid.uuid4()}, **form_kwargs)
    form.helper.inputs = []
    return render(request, "units/kertas.html", {"unit": unit, "period": period, "form": form})


def _writable_periods() -> list[Period]:
    return list(Period.objects.exclude(status=Period.Status.LOCKED).order_by("-tanggal_mulai"))


@login_required
def impor_view(request: HttpRequest, kode: str) -> HttpResponse:
    """Upload paper questionnaires as .csv/.xlsx: the same rules and row-numbered errors as import_responses."""
    unit = unit_for_user(request.user, kode)
    form = ImportForm(request.POST or None, request.FILES or None, periods=_writable_periods())
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["berkas"]
        period = Period.objects.get(kode=form.cleaned_data["periode"])
        try:
            batch = responses_import(
                data=upload.read(), filename=upload.name, period=period, user=request.user,
                channel=Response.Channel.PAPER, unit_ids=visible_unit_ids(request.user),
            )
        except ImportFailed as failure:
            errors = [str(e) for e in failure.errors]
        else:
            messages.success(request, _("%(count)s responses imported into %(period)s.") % {"count": batch.row_count, "period": period.kode})
            return redirect(f"{redirect('units:dashboard', kode=unit.kode).url}?periode={period.kode}")
    return render(request, "units/impor.html", {"unit": unit, "form": form, "errors": errors})


@login_required
def impor_templat(request: HttpRequest) -> HttpResponse:
    header = ",".join(RESPONSE_COLUMNS)
    example = "UPP001,2026-08-03 09:15,35,P,S1,KARYAWAN,Layanan Umum,4,3,4,4,3,4,4,3,4,Pelayanan cepat"
    return _download(f"{header}\n{example}\n".encode(), "text/csv; charset=utf-8", "templat-kuesioner.csv")


@login_required
def audit_view(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("user", "unit", "period")
    if not is_city_admin(request.user):
        events = events.filter(unit__in=units_for_user(request.user))
    return render(request, "units/audit.html", {"events": events[:500]})
