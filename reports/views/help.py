"""Help pages for staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language


@login_required
def help_quality_view(request: HttpRequest) -> HttpResponse:
    """Plain words for Bagian Organisasi on the interval, the sample and each flag."""
    templates = [f"reports/help_quality.{get_language()}.html", "reports/help_quality.id.html"]
    return render(
        request,
        templates,
        {
            "settings": {
                name: getattr(settings, f"SKM_{name}")
                for name in (
                    "FLAG_BURST_RESPONSES",
                    "FLAG_BURST_MINUTES",
                    "FLAG_DUPLICATE_MINUTES",
                    "FLAG_UNIFORM_MIN_RESPONDENTS",
                    "FLAG_IKM_CHANGE",
                    "WIDE_INTERVAL",
                )
            }
            | {"FLAG_UNIFORM_PERCENT": round(settings.SKM_FLAG_UNIFORM_SHARE * 100)}
        },
    )
