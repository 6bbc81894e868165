"""Making documents (city report, unit report, recap, raw responses) and downloading them again."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reports.access import report_job_for_user, report_jobs_for_user
from reports.forms import ReportJobForm
from reports.models import ReportJob
from reports.pdf.unit import unit_report_pdf
from reports.selectors.report_files import document_file_name, report_file_name
from reports.services.report_jobs import report_job_start, report_jobs_expire_stale
from skm_portal.celery import broker_problem
from surveys.models import Period
from units.access import is_city_admin, unit_for_user, units_for_user

JOBS_SHOWN = 50


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    report_jobs_expire_stale()
    form = ReportJobForm(
        request.POST or None,
        units=units_for_user(request.user).order_by("kode"),
        city_admin=is_city_admin(request.user),
    )
    if request.method == "POST" and form.is_valid():
        job = report_job_start(
            user=request.user,
            kind=form.cleaned_data["kind"],
            period=form.cleaned_data["period"],
            unit=form.cleaned_data["unit"],
            public_edition=form.cleaned_data.get("public_edition", True),
        )
        return redirect("reports:job", pk=job.pk)
    jobs = report_jobs_for_user(request.user).select_related("period", "unit", "requested_by")[:JOBS_SHOWN]
    return render(request, "reports/report_list.html", {"form": form, "jobs": jobs, "generator": broker_problem()})


@login_required
def report_job_view(request: HttpRequest, pk: int) -> HttpResponse:
    report_jobs_expire_stale()
    return render(request, "reports/report_job.html", {"job": report_job_for_user(request.user, pk)})


@login_required
def report_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    report_jobs_expire_stale()
    job = report_job_for_user(request.user, pk)
    done = job.state == ReportJob.State.DONE
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "stage": job.stage,
            "percent": job.percent,
            "error": job.error,
            "download": reverse("reports:job_download", args=[job.pk]) if done else None,
        }
    )


@login_required
def report_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = report_job_for_user(request.user, pk)
    if job.state != ReportJob.State.DONE or not job.file:
        raise Http404("not ready")
    # Named from the job, not from the stored path (files made before carry a storage suffix).
    name = report_file_name(job)
    content_type = (
        "application/pdf"
        if name.endswith(".pdf")
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@login_required
@require_POST
def report_job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = report_job_for_user(request.user, pk)
    again = report_job_start(
        user=request.user, kind=job.kind, period=job.period, unit=job.unit, public_edition=job.public_edition
    )
    return redirect("reports:job", pk=again.pk)


@login_required
def unit_report_download(request: HttpRequest, unit_kode: str, periode_kode: str) -> HttpResponse:
    """A unit's own report, made on request (a few pages): what the city report's annex links to."""
    unit = unit_for_user(request.user, unit_kode)
    period = get_object_or_404(Period, kode=periode_kode)
    response = HttpResponse(unit_report_pdf(unit=unit, period=period), content_type="application/pdf")
    name = document_file_name("laporan-skm", period, unit, "internal")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
