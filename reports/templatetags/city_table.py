"""The city dashboard's table rows and unit lists, written in Python: a city of 2.000 units is about
40.000 template variables and 4.000 reversed URLs, which Django's template engine renders in half a
second; these loops do the same in a few milliseconds. Numbers as the angka filter prints them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from html import escape

from django import template
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.selectors.dashboards import CityRow
from reports.skm import round_half_up
from reports.templatetags.skm_format import angka
from surveys.models import Period

register = template.Library()

_PLACEHOLDER = "KODE0"  # a valid unit code, replaced by each unit's


class _Numbers:
    """angka (reports.templatetags.skm_format) for many numbers: the active language's separators
    are looked up once. Grouping by thousands only; any other grouping goes through angka."""

    def __init__(self) -> None:
        self.decimal = get_format("DECIMAL_SEPARATOR")
        self.thousand = get_format("THOUSAND_SEPARATOR")
        self.fast = get_format("NUMBER_GROUPING") == 3

    def text(self, value: Fraction | Decimal | float | int | None, places: int = 2) -> str:
        if value is None:
            return "–"
        if not self.fast:
            return angka(value, places)
        if isinstance(value, float):
            value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)  # exact, as angka
        elif not isinstance(value, int):
            value = round_half_up(value, places)
        text = f"{value or abs(value):,.{places}f}"  # a zero has no sign, as in angka
        return text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.thousand)


def _unit_url(period: Period) -> tuple[str, str]:
    """The unit dashboard's address around the unit code: (before, after)."""
    url = reverse("reports:unit_dashboard", args=[_PLACEHOLDER])
    before, after = url.rsplit(_PLACEHOLDER, 1)
    return before, f"{after}?periode={escape(period.kode)}"


@register.simple_tag
def city_table_rows(rows: Iterable[CityRow], period: Period) -> SafeString:
    """The <tr> of each unit: code, name, IKM with its interval, respondents, sample, priorities,
    actions, realisasi, flags, the ways its respondents answered (as the report's "Metode SKM"), category."""
    numbers = _Numbers()
    before, after = _unit_url(period)
    not_entered = escape(_("population not entered yet"))
    reviewed = escape(_("reviewed"))
    late = (escape(_("actions past their target date and not complete")), escape(_("overdue")))
    html = []
    for row in rows:
        r = row.result
        kode = escape(r.kode)
        link = f"{before}{kode}{after}"
        ikm = numbers.text(r.ikm_rounded)
        bounds = r.ikm_ci95
        if bounds:
            ikm += f'<div class="small text-body-secondary">{numbers.text(bounds[0])}–{numbers.text(bounds[1])}</div>'
        reached = r.sample_reached
        if reached is None:
            sample = f'<span class="small text-body-secondary">{not_entered}</span>' if r.respondents else "–"
        else:
            sample = "✓" if reached else f"✗ ({r.minimum_sample})"
        realisasi = f"{numbers.text(row.realisasi)}%" if row.realisasi is not None else "–"
        realisasi += _late_mark(row.realisasi_late, *late)
        flags = "–"
        if row.flags:
            title = "; ".join(
                escape(str(flag.label)) + (f" ({reviewed})" if flag.reviewed else "") for flag in row.flags
            )
            count = f"{row.open_flags}" + (f" / {len(row.flags)}" if row.open_flags != len(row.flags) else "")
            flags = f'<a href="{link}#tanda" title="{title}">{count}</a>'
        kategori = escape(r.kategori.label) if r.kategori else "–"
        tindak_lanjut_late = _late_mark(row.tindak_lanjut_late, *late)
        html.append(
            f'<tr><td>{kode}</td><td><a href="{link}">{escape(r.nama)}</a></td><td class="num">{ikm}</td>'
            f'<td class="num">{numbers.text(r.respondents, 0)}</td><td class="num">{sample}</td>'
            f'<td class="num">{row.prioritas}</td><td class="num">{row.tindak_lanjut}{tindak_lanjut_late}</td>'
            f'<td class="num">{realisasi}</td><td class="num">{flags}</td>'
            f'<td class="small">{escape(r.metode_mix)}</td><td>{kategori}</td></tr>\n'
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


def _late_mark(count: int, title: str, label: str) -> str:
    """The badge of a unit's late actions (reports.selectors.rencana.tindak_lanjut_overdue), if any;
    `title` and `label` escaped."""
    if not count:
        return ""
    return f' <span class="badge text-bg-danger" title="{title}">{count} {label}</span>'


@register.simple_tag
def city_unit_links(rows: Iterable[CityRow], period: Period) -> SafeString:
    """One <li> with a link to the unit's dashboard per row; "none" without rows."""
    before, after = _unit_url(period)
    items = [
        f'<li><a href="{before}{escape(row.result.kode)}{after}">{escape(row.result.nama)}</a></li>' for row in rows
    ]
    if not items:
        items = [f'<li class="text-body-secondary">{escape(_("none"))}</li>']
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped
