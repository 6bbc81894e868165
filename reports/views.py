from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from surveys.models import Period
from units.models import Unit

from units.access import (
    city_admin_required,
    is_city_admin,
    report_job_for_user,
    report_jobs_for_user,
    unit_for_user,
    units_for_user,
)
from units.audit import audit_record

from .forms import FlagReviewForm, FrontMatterForm, HistoricalIkmForm, ReportJobForm
from .models import FrontMatter, HistoricalIkm, PeriodSnapshot, ReportJob, TindakLanjut
from .services import flag_review, generator_status, report_job_start, report_jobs_expire_stale

from .selectors import UNSUR_CODES, city_dashboard, city_result, followup, rollups, unit_results


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
            "rollups": rollups(period=period, results=results) if period else [],
            "snapshot": PeriodSnapshot.objects.filter(period=period).first() if period else None,
            "unsur_codes": UNSUR_CODES,
        },
    )


def evidence_file_response(action: TindakLanjut) -> FileResponse:
    """An action's evidence file, served as the type its content was checked to be."""
    if not action.bukti_file:
        raise Http404("no evidence file")
    extension = action.bukti_file.name.rsplit(".", 1)[-1]
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}.get(extension, "application/octet-stream")
    response = FileResponse(action.bukti_file.open("rb"), content_type=content_type, filename=f"bukti-{action.pk}.{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_followup(request: HttpRequest, periode: str, kode: str) -> HttpResponse:
    """"Kami mendengar, kami bertindak": a unit's result of a locked period, its priorities, its plan
    and how far each action got. Suggestions are never shown; evidence only where the unit chose to."""
    period = get_object_or_404(Period, kode=periode, status=Period.Status.LOCKED)
    unit = get_object_or_404(Unit, kode=kode)
    return render(request, "reports/public_followup.html", {"period": period, "unit": unit, "f": followup(unit=unit, period=period)})


def public_responses_csv(request: HttpRequest, kode: str) -> FileResponse:
    """The canonical, anonymized CSV of a locked period: the file whose SHA-256 the results page shows."""
    snapshot = get_object_or_404(PeriodSnapshot, period__kode=kode, period__status=Period.Status.LOCKED)
    try:
        stream = snapshot.csv_file.open("rb")
    except FileNotFoundError:  # media lost (e.g. restored without its volume): verify_period tells more
        raise Http404("snapshot file missing") from None
    return FileResponse(stream, as_attachment=True, filename=f"skm-{kode}-responden.csv", content_type="text/csv; charset=utf-8")


def public_evidence(request: HttpRequest, pk: int) -> FileResponse:
    action = get_object_or_404(
        TindakLanjut, pk=pk, bukti_publik=True, prioritas__period__status=Period.Status.LOCKED
    )
    return evidence_file_response(action)


CITY_COLUMNS = [
    ("kode", _("Code")), ("nama", _("Service unit")), ("ikm", "IKM"), ("responden", _("Respondents")),
    ("sampel", _("Minimum sample")), ("prioritas", _("Priorities")), ("rencana", _("Plan actions")),
    ("realisasi", _("Realization")), ("tanda", _("Open flags")),
]
SORT_KEYS = {
    "kode": lambda row: row.result.kode,
    "nama": lambda row: row.result.nama,
    "ikm": lambda row: row.result.ikm,
    "responden": lambda row: row.result.respondents,
    "sampel": lambda row: row.result.sample_reached,
    "prioritas": lambda row: row.priorities,
    "rencana": lambda row: row.actions,
    "realisasi": lambda row: row.realization,
    "tanda": lambda row: row.open_flags,
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
                (_("Units below their minimum sample"), [row for row in rows if row.result.sample_reached is False]),
                (_("Units without a follow-up plan"), [row for row in rows if row.result.respondents and not row.actions]),
                (_("Units with open data-quality flags"), [row for row in rows if row.open_flags]),
            ],
        },
    )


@city_admin_required
@require_POST
def flag_review_view(request: HttpRequest, kode: str, periode: str, code: str) -> HttpResponse:
    unit = unit_for_user(request.user, kode)
    period = get_object_or_404(Period, kode=periode)
    form = FlagReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["catatan"])
        flag_review(user=request.user, unit=unit, period=period, code=code, catatan=form.cleaned_data["catatan"])
        messages.success(request, _("The flag is marked as reviewed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('units:dashboard', args=[unit.kode])}?periode={period.kode}#tanda")


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    report_jobs_expire_stale()
    city_admin = is_city_admin(request.user)
    form = ReportJobForm(request.POST or None, units=units_for_user(request.user).order_by("kode"), city_admin=city_admin)
    if request.method == "POST" and form.is_valid():
        job = report_job_start(
            user=request.user, kind=form.cleaned_data["kind"], period=form.cleaned_data["period"],
            unit=form.cleaned_data["unit"], public_edition=form.cleaned_data["public_edition"],
        )
        return redirect("reports:job", pk=job.pk)
    jobs = report_jobs_for_user(request.user).select_related("period", "unit", "requested_by")[:50]
    return render(request, "reports/report_list.html", {"form": form, "jobs": jobs, "generator": generator_status()})


@login_required
def report_job_view(request: HttpRequest, pk: int) -> HttpResponse:
    report_jobs_expire_stale()
    return render(request, "reports/report_job.html", {"job": report_job_for_user(request.user, pk)})


@login_required
def report_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    report_jobs_expire_stale()
    job = report_job_for_user(request.user, pk)
    return JsonResponse(
        {
            "state": job.state, "state_label": job.get_state_display(), "stage": job.stage, "percent": job.percent,
            "error": job.error, "download": reverse("reports:job_download", args=[job.pk]) if job.state == "done" else None,
        }
    )


@login_required
def report_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = report_job_for_user(request.user, pk)
    if job.state != ReportJob.State.DONE or not job.file:
        raise Http404("not ready")
    name = job.file.name.rsplit("/", 1)[-1]
    content_type = "application/pdf" if name.endswith(".pdf") else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@login_required
@require_POST
def report_job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = report_job_for_user(request.user, pk)
    again = report_job_start(user=request.user, kind=job.kind, period=job.period, unit=job.unit, public_edition=job.public_edition)
    return redirect("reports:job", pk=again.pk)


@city_admin_required
def front_matter_view(request: HttpRequest, periode: str) -> HttpResponse:
    period = get_object_or_404(Period, kode=periode)
    instance = FrontMatter.objects.filter(period=period).first() or FrontMatter(period=period)
    form = FrontMatterForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(user=request.user, action="pengantar_laporan", period=period)
        messages.success(request, _("The report texts are saved."))
        return redirect("reports:front_matter", periode=period.kode)
    return render(request, "reports/front_matter.html", {"form": form, "period": period})


@city_admin_required
def history_view(request: HttpRequest) -> HttpResponse:
    form = HistoricalIkmForm(request.POST or None)
    if request.method == "POST":
        if "hapus" in request.POST:
            item = get_object_or_404(HistoricalIkm, pk=int(request.POST["hapus"]) if request.POST["hapus"].isdigit() else 0)
            item.delete()
            audit_record(user=request.user, action="riwayat_ikm_hapus", detail=request.POST["hapus"])
            return redirect("reports:history")
        if form.is_valid():
            item = form.save()
            audit_record(user=request.user, action="riwayat_ikm", detail=f"{item.label}: {item.ikm}")
            return redirect("reports:history")
    return render(request, "reports/history.html", {"form": form, "items": HistoricalIkm.objects.all()})


@login_required
def unit_report_download(request: HttpRequest, kode: str, periode: str) -> HttpResponse:
    """A unit's own report, made on request (a few pages): what the city report's annex links to."""
    from .pdf_report import unit_report_pdf

    unit = unit_for_user(request.user, kode)
    period = get_object_or_404(Period, kode=periode)
    response = HttpResponse(unit_report_pdf(unit=unit, period=period), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="laporan-skm-{period.kode}-{unit.kode}.pdf"'
    return response


@login_required
def help_quality_view(request: HttpRequest) -> HttpResponse:
    """Plain words for Bagian Organisasi on the interval, the sample and each flag."""
    templates = [f"reports/help_quality.{get_language()}.html", "reports/help_quality.id.html"]
    return render(request, templates, {"settings": {
        name: getattr(settings, f"SKM_{name}") for name in (
            "FLAG_BURST_RESPONSES", "FLAG_BURST_MINUTES", "FLAG_DUPLICATE_MINUTES", "FLAG_UNIFORM_MIN_RESPONDENTS",
            "FLAG_IKM_CHANGE", "WIDE_INTERVAL",
        )
    } | {"FLAG_UNIFORM_PERCENT": round(settings.SKM_FLAG_UNIFORM_SHARE * 100)}})
