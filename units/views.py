"""Pages of the units app: the audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from units.selectors.audit import audit_events_for_user


@login_required
def audit_view(request: HttpRequest) -> HttpResponse:
    return render(request, "units/audit.html", {"events": audit_events_for_user(request.user)})
