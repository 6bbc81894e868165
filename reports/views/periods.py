"""Locking a period from the periods page (the rest of that page is surveys')."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.services.locking import period_lock
from surveys.models import Period
from units.access import city_admin_required


@city_admin_required
@require_POST
def period_lock_view(request: HttpRequest, periode_kode: str) -> HttpResponse:
    period = get_object_or_404(Period, kode=periode_kode)
    period_lock(kode=period.kode, user=request.user)
    messages.success(request, _("Period %(kode)s is locked: its report is final.") % {"kode": period.kode})
    return redirect("surveys:periods")
