"""Locking a period from the periods page (the rest of that page is surveys'): a confirmation page
that states what locking publishes and cuts short, then the lock."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from reports.forms import PeriodLockForm
from reports.selectors.lock_preview import lock_preview
from reports.selectors.signing import signature_set
from reports.services.locking import period_lock
from surveys.models import Period
from units.access import city_admin_required


@city_admin_required
def period_lock_view(request: HttpRequest, periode_kode: str) -> HttpResponse:
    period = get_object_or_404(Period, kode=periode_kode)
    if period.is_locked:
        messages.info(request, _("Period %(kode)s is locked: its report is final.") % {"kode": period.kode})
        return redirect("surveys:periods")
    preview = lock_preview(period=period)
    form = PeriodLockForm(request.POST or None, period=period, code_required=not preview.ended)
    if request.method == "POST" and form.is_valid():
        period_lock(kode=period.kode, user=request.user)
        messages.success(request, _("Period %(kode)s is locked: its report is final.") % {"kode": period.kode})
        return redirect("surveys:periods")
    context = {"period": period, "preview": preview, "form": form, "signature_set": signature_set(period)}
    return render(request, "reports/period_lock.html", context)
