"""Staff pages of the survey domain (login required; units in reach decided by units.access):
the units' questionnaire links and QR codes, paper questionnaires typed in or imported, periods
and the privacy notice."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skm_portal.import_problems import ImportFailed
from skm_portal.uploads import refuse_upload_on_form, upload_limit, upload_refused
from surveys.exceptions import PeriodLocked, SubmissionRefused
from surveys.forms import IMPORT_MAX_BYTES, ImportForm, PaperQuestionnaireForm, PeriodForm, PrivacyNoticeForm
from surveys.models import Period, Response
from surveys.qr import poster_pdf, qr_png, qr_svg, survey_url
from surveys.selectors.periods import (
    period_open_on,
    period_with_kode,
    periods_newest_first,
    periods_with_respondents,
    writable_periods,
)
from surveys.selectors.privacy import privacy_notice_text
from surveys.selectors.unsur import unsur_list
from surveys.services.periods import period_create, period_open
from surveys.services.privacy import privacy_notice_save
from surveys.services.response_import import RESPONSE_COLUMNS, responses_import
from surveys.services.submissions import response_submit
from units.access import city_admin_required, unit_for_user, units_for_user, visible_unit_ids


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """Every unit in reach, each with its dashboard one click away (for `?periode=`, if given)."""
    units = units_for_user(request.user).select_related("induk").order_by("kode")
    kode = request.GET.get("periode")
    period = period_with_kode(periods_newest_first(), kode) if kode else None
    if kode and period is None:
        raise Http404("unknown period")
    return render(request, "surveys/unit_list.html", {"units": units, "period": period})


@login_required
def unit_qr(request: HttpRequest, unit_kode: str, fmt: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_kode)
    url = survey_url(request, unit)
    if fmt == "png":
        return _download(qr_png(url), "image/png", f"qr-survei-{unit.kode}.png")
    return _download(qr_svg(url), "image/svg+xml", f"qr-survei-{unit.kode}.svg")


@login_required
def unit_poster(request: HttpRequest, unit_kode: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_kode)
    return _download(poster_pdf(unit, survey_url(request, unit)), "application/pdf", f"poster-survei-{unit.kode}.pdf")


@login_required
def paper_entry(request: HttpRequest, unit_kode: str) -> HttpResponse:
    """Type in one paper questionnaire (channel "paper") into the period open today.

    Paper questionnaires of an earlier window come in as a file (response_import_view), whose rows carry their dates.
    """
    unit = unit_for_user(request.user, unit_kode)
    period = period_open_on()
    form_kwargs = {"unsur": unsur_list(), "jenis_layanan": list(unit.jenis_layanan.values_list("nama", flat=True))}
    if request.method == "POST" and period is not None:
        form = PaperQuestionnaireForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                response_submit(
                    unit=unit,
                    period=period,
                    answers=form.answers(),
                    submission_id=form.cleaned_data["submission_id"],
                    channel=Response.Channel.PAPER,
                )
            except (PeriodLocked, SubmissionRefused) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Paper questionnaire saved. You can type in the next one."))
                return redirect("surveys:paper_entry", unit_kode=unit.kode)
        elif form.hidden_fields_refused():
            form.renew_submission_id()
    else:
        form = PaperQuestionnaireForm(initial={"submission_id": uuid.uuid4()}, **form_kwargs)
    return render(request, "surveys/paper_entry.html", {"unit": unit, "period": period, "form": form})


@upload_limit(IMPORT_MAX_BYTES)
@login_required
def response_import_view(request: HttpRequest, unit_kode: str) -> HttpResponse:
    """Upload paper questionnaires as .csv/.xlsx: the same rules and row-numbered errors as import_responses.
    A file over the limit is refused while it arrives (skm_portal.uploads) and said so on the form."""
    unit = unit_for_user(request.user, unit_kode)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None, periods=writable_periods())
    failure: ImportFailed | None = None
    if posted and upload_refused(request):
        refuse_upload_on_form(
            form, "berkas", _("The file is larger than 50 MB; split it, or ask Bagian Organisasi to import it.")
        )
    elif posted and form.is_valid():
        upload, period = form.cleaned_data["berkas"], form.cleaned_data["periode"]
        try:
            batch = responses_import(
                source=upload,
                filename=upload.name,
                period=period,
                user=request.user,
                channel=Response.Channel.PAPER,
                unit_ids=visible_unit_ids(request.user),
            )
        except ImportFailed as refused:
            failure = refused
        else:
            messages.success(
                request,
                _("%(count)s responses imported into %(period)s.") % {"count": batch.row_count, "period": period.kode},
            )
            # The unit's dashboard of the period the file went into shows what arrived.
            dashboard = reverse("reports:unit_dashboard", args=[unit.kode])
            return redirect(f"{dashboard}?periode={period.kode}")
    context = {"unit": unit, "form": form, "failure": failure}
    return render(request, "surveys/response_import.html", context)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    header = ",".join(RESPONSE_COLUMNS)
    example = "UPP001,2026-08-03 09:15,35,P,S1,KARYAWAN,Layanan Umum,4,3,4,4,3,4,4,3,4,Pelayanan cepat"
    return _download(f"{header}\n{example}\n".encode(), "text/csv; charset=utf-8", "templat-kuesioner.csv")


@city_admin_required
def period_list(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        period = period_create(kode=form.cleaned_data["kode"], user=request.user)
        messages.success(request, _("Period %(kode)s is ready; open it to collect answers.") % {"kode": period.kode})
        return redirect("surveys:periods")
    return render(request, "surveys/periods.html", {"periods": periods_with_respondents(), "form": form})


@city_admin_required
@require_POST
def period_open_view(request: HttpRequest, periode_kode: str) -> HttpResponse:
    period = get_object_or_404(Period, kode=periode_kode)
    try:
        period_open(kode=period.kode, user=request.user)
    except PeriodLocked as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Period %(kode)s is open.") % {"kode": period.kode})
    return redirect("surveys:periods")


@city_admin_required
def privacy_edit(request: HttpRequest) -> HttpResponse:
    form = PrivacyNoticeForm(request.POST or None, initial={"teks": privacy_notice_text()})
    if request.method == "POST" and form.is_valid():
        privacy_notice_save(teks=form.cleaned_data["teks"], user=request.user)
        messages.success(request, _("The privacy notice is saved."))
        return redirect("surveys:privacy_edit")
    return render(request, "surveys/privacy_edit.html", {"form": form})
