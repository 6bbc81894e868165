"""QR codes and the printable A4 poster that lead respondents to a unit's questionnaire."""

from __future__ import annotations

import io

import segno
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from skm_portal.pdf import render_pdf
from units.models import Unit


def survey_url(request: HttpRequest, unit: Unit) -> str:
    return request.build_absolute_uri(reverse("surveys:questionnaire", args=[unit.kode]))


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=10, border=4, xmldecl=False, title=url)
    return buffer.getvalue()


def poster_pdf(unit: Unit, url: str) -> bytes:
    html = render_to_string("surveys/poster.html", {"unit": unit, "url": url, "qr_svg": qr_svg(url).decode()})
    return render_pdf(html)
