"""Numbers as the report prints them: rounded half-up, then in the active locale (90,69; 14.249)."""

from fractions import Fraction

from django import template
from django.utils.formats import number_format

from reports.skm import round_half_up

register = template.Library()


@register.filter
def angka(value: Fraction | float | int | None, places: int = 2) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        value = Fraction(value)
    return number_format(round_half_up(value, int(places)), decimal_pos=int(places), use_l10n=True, force_grouping=True)
