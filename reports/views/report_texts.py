"""The words of a period's city report and the city IKM of the periods before the portal."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from reports.forms import FrontMatterForm, HistoricalIkmDeleteForm, HistoricalIkmForm, SignatureForm
from reports.models import HistoricalIkm
from reports.selectors.signing import report_front_matter, signature_missing
from reports.selectors.snapshot_contents import front_matter_current
from reports.services.report_texts import front_matter_save, historical_ikm_add, historical_ikm_delete
from reports.services.signing import signature_complete
from surveys.exceptions import PeriodLocked
from surveys.models import Period
from units.access import city_admin_required


@city_admin_required
def front_matter_view(request: HttpRequest, periode_kode: str) -> HttpResponse:
    """The report's words; a locked period's are shown read-only (the service refuses a save), except
    the place and date of signature when the period was locked without them: asked for once."""
    period = get_object_or_404(Period, kode=periode_kode)
    if signature_missing(period):
        return _signature_view(request, period)
    form = FrontMatterForm(request.POST or None, instance=front_matter_current(period), read_only=period.is_locked)
    if request.method == "POST" and form.is_valid():
        try:
            front_matter_save(front_matter=form.save(commit=False), user=request.user)
        except PeriodLocked as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The report texts are saved."))
        return redirect("reports:front_matter", periode_kode=period.kode)
    return render(request, "reports/front_matter.html", {"form": form, "period": period})


def _signature_view(request: HttpRequest, period: Period) -> HttpResponse:
    front = report_front_matter(period)
    form = SignatureForm(request.POST or None, period=period, initial={"tempat": front.tempat})
    if request.method == "POST" and form.is_valid():
        try:
            signature_complete(period=period, user=request.user, **form.cleaned_data)
        except PeriodLocked as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The place and date of signature are saved: the report can be made."))
        return redirect("reports:front_matter", periode_kode=period.kode)
    texts = FrontMatterForm(instance=front, read_only=True)
    return render(request, "reports/front_matter.html", {"form": texts, "signature_form": form, "period": period})


@city_admin_required
def history_view(request: HttpRequest) -> HttpResponse:
    form = HistoricalIkmForm()
    if request.method == "POST" and "hapus" in request.POST:
        deletion = HistoricalIkmDeleteForm(request.POST)
        if not deletion.is_valid():
            raise Http404("no such value")
        historical_ikm_delete(item=deletion.cleaned_data["hapus"], user=request.user)
        return redirect("reports:history")
    if request.method == "POST":
        form = HistoricalIkmForm(request.POST)
        if form.is_valid():
            historical_ikm_add(**form.cleaned_data, user=request.user)
            return redirect("reports:history")
    return render(request, "reports/history.html", {"form": form, "items": HistoricalIkm.objects.all()})
