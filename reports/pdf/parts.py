"""Pieces both PDF reports print: the front matter's city, the respondent profile tables, an unsur
chart, evidence of a tindak lanjut, the public addresses of a unit's reports."""

from __future__ import annotations

from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.urls import reverse

from reports import charts
from reports.models import TindakLanjut
from reports.pdf.formatting import svg_data_uri
from reports.pdf.texts import KELOMPOK_UMUR_LABELS
from reports.selectors.demographics import DEMOGRAPHIC_TITLES, DemographicRow
from reports.selectors.results import UNSUR_CODES
from surveys.models import Period


def distribution_tables(profile: dict[str, list[DemographicRow]], *, with_charts: bool) -> list[dict[str, Any]]:
    """BAB II: one table (and chart) per respondent attribute, ages in the report's words."""
    tables = []
    for key, title in DEMOGRAPHIC_TITLES.items():
        rows = profile[key]
        labels = [KELOMPOK_UMUR_LABELS.get(row.label, row.label) if key == "umur" else row.label for row in rows]
        table = {
            "title": title,
            "rows": [
                {"label": label, "count": row.count, "percent": row.percent}
                for label, row in zip(labels, rows, strict=True)
            ],
            "total": sum(row.count for row in rows),
        }
        if with_charts:
            svg = charts.distribution_chart_svg(labels, [row.count for row in rows], [row.percent for row in rows])
            table["chart"] = svg_data_uri(svg)
        tables.append(table)
    return tables


def unsur_chart(values: tuple[Fraction, ...] | None, ikm: Fraction | None, label: str, *, width: float, height: float):
    """The nine unsur values as bars with the IKM as a reference line (None without values)."""
    if not values:
        return None
    svg = charts.bar_chart_svg(
        list(UNSUR_CODES), values, ylabel="Nilai", reference=ikm, reference_label=label, width=width, height=height
    )
    return svg_data_uri(svg)


def bukti_texts(tindak_lanjut: TindakLanjut, *, public_edition: bool = False) -> list[dict[str, str]]:
    """What to print as an action's evidence: the file's name and/or the link. The public edition
    prints only evidence the unit marked public, its file linked where anyone may open it."""
    if public_edition and not tindak_lanjut.bukti_publik:
        return []
    items = []
    if tindak_lanjut.bukti_file:
        name = PurePosixPath(tindak_lanjut.bukti_file.name).name
        href = site_url(reverse("public_bukti", args=[tindak_lanjut.pk])) if public_edition else ""
        items.append({"text": name, "href": href})
    if tindak_lanjut.bukti_tautan:
        link = tindak_lanjut.bukti_tautan
        items.append({"text": link, "href": link if link.lower().startswith(("http://", "https://")) else ""})
    return items


def site_url(path: str) -> str:
    """An absolute address on the portal: a printed or downloaded PDF has no page to be relative to."""
    return settings.SKM_SITE_URL + path


def public_unit_report_url(unit_kode: str, period: Period) -> str:
    """The public edition of a unit's report of a locked period (no login, no suggestions)."""
    return site_url(reverse("reports:public_unit_report", args=[period.kode, unit_kode]))


def public_unit_realisasi_url(unit_kode: str, period: Period) -> str:
    """The realization, during a locked period, of the unit's plan of the period before (no login)."""
    return site_url(reverse("reports:public_unit_realisasi", args=[period.kode, unit_kode]))
