"""Unit administration pages (login required; what a user sees is decided by units.access)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from surveys.qr import poster_pdf, qr_png, qr_svg, survey_url

from .access import unit_for_user, units_for_user


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
